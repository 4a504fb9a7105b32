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


def manifest(request):
    """The web app manifest, in the visitor's language, so the portal can be added to a phone's
    home screen. Icon names are looked up per request, like the favicon's."""
    from django.http import JsonResponse
    from django.templatetags.static import static
    from django.utils.translation import get_language, pgettext
    from django.utils.translation import gettext as _

    icons = [
        {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"img/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    data = {
        "name": _("JIGE Portal"),
        "short_name": pgettext("the name under the home-screen icon", "JIGE"),
        "description": _("Study, work and belong — in Japan and online"),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0a4d8c",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
