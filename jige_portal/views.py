from django import forms
from django.shortcuts import render


class FloorForm(forms.Form):
    query = forms.CharField(label="Search", required=False)


def bench_floor(request):
    """The benchmark's floor: a template with a form and 20 list items, and no query."""
    items = [f"Item {number}" for number in range(1, 21)]
    return render(request, "bench/floor.html", {"form": FloorForm(), "items": items})


def favicon(request):
    """Browsers (and the admin's pages) ask for /favicon.ico whatever the page links; the name is
    looked up per request, since the hashed static names exist only after collectstatic."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
