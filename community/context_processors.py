def portal(request):
    """Values every page needs: the path to return to after switching language."""
    return {"current_path": request.get_full_path()}
