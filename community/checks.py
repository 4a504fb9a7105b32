"""System checks about the deployment's own address."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _is_loopback(host: str) -> bool:
    if host in {"localhost", ""} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@register(Tags.security)
def check_site_url(app_configs=None, **kwargs):
    """A credential signed under a loopback SITE_URL carries a status list nobody else can fetch."""
    if settings.DEBUG:
        return []
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not _is_loopback(host):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}, a loopback address, while DEBUG is off.",
            hint=(
                "Set SITE_URL to the portal's public address: it is written into e-mail links and into "
                "every signed credential (its statusListCredential), which others could not check."
            ),
            id="jige.W001",
        )
    ]
