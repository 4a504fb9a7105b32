"""The member's own data: download an archive, delete the account, two-factor sign-in."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import privacy as registry
from ..forms import AccountDeletionForm
from ..media import send_protected
from ..models import DataExport
from ..services import privacy

RECENT_EXPORTS = 10


@login_required
def privacy_index(request):
    exports = list(DataExport.objects.filter(user=request.user)[:RECENT_EXPORTS])
    return render(
        request,
        "community/privacy/index.html",
        {
            "exports": exports,
            "deletion": privacy.scheduled_deletion(request.user),
            "has_totp": registry.has_totp(request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def data_export_create(request):
    export = privacy.request_data_export(user=request.user)
    messages.success(request, _("Your archive is being made. This page shows how far it has got."))
    return redirect(export)


def _own_export(request, pk) -> DataExport:
    # Someone else's export answers as one that does not exist.
    return get_object_or_404(DataExport, pk=pk, user=request.user)


@login_required
def data_export_detail(request, pk):
    return render(request, "community/privacy/export_detail.html", {"export": _own_export(request, pk)})


@login_required
def data_export_progress(request, pk):
    export = _own_export(request, pk)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "percent": export.progress,
            "done": export.is_finished,
        }
    )


@login_required
def data_export_download(request, pk):
    export = _own_export(request, pk)
    if not export.is_downloadable:
        raise Http404
    filename = f"jige-data-{export.finished_at:%Y%m%d}.zip"
    return send_protected(export.file.name, content_type="application/zip", inline=False, filename=filename)


@login_required
def account_delete(request):
    if privacy.scheduled_deletion(request.user) is not None:
        return redirect("community:privacy")
    form = AccountDeletionForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                deletion = privacy.request_account_deletion(
                    user=request.user,
                    confirmation=form.cleaned_data["confirmation"],
                    keep_credentials=form.keep_credentials,
                )
            except ValidationError as error:
                form.add_error("confirmation", error)
            else:
                logout(request)
                request.session["account_deletion_date"] = deletion.erase_after.isoformat()
                return redirect("community:account_deletion_scheduled")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "community/privacy/account_delete.html",
        {"form": form, "grace_days": privacy._grace_days()},
    )


def account_deletion_scheduled(request):
    """Shown after signing out: when the account will be erased, and how to change one's mind."""
    when = request.session.get("account_deletion_date")
    erase_after = datetime.fromisoformat(when) if when else None
    return render(request, "community/privacy/account_deletion_scheduled.html", {"erase_after": erase_after})


@login_required
@require_POST
def account_delete_cancel(request):
    if privacy.cancel_account_deletion(user=request.user) is not None:
        messages.success(request, _("Your account will not be deleted."))
    return redirect("community:privacy")
