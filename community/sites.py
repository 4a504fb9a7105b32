"""The Sites framework's row, kept equal to the settings.

allauth names the site in its e-mails ("Hello from …!", the subject prefix) from
`django.contrib.sites`; a fresh database has "example.com" there. After every `migrate` (and
after the test runner's flushes, which also send post_migrate) the row takes its domain from
`SITE_URL` and its name from `SITE_NAME`.
"""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_SITE_NAME = "JIGE Portal"


def site_values() -> dict:
    return {
        "domain": urlsplit(settings.SITE_URL).netloc or "127.0.0.1",
        "name": getattr(settings, "SITE_NAME", DEFAULT_SITE_NAME),
    }


def sync_site(*, using: str = "default", **kwargs) -> None:
    """Create or update the current site's row from the settings; safe to repeat."""
    from django.apps import apps

    if not apps.is_installed("django.contrib.sites"):
        return
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(pk=settings.SITE_ID, defaults=site_values())
    Site.objects.clear_cache()


def sync_site_after_migrate(sender, using="default", **kwargs) -> None:
    # Only once per migrate: post_migrate is sent for every app.
    if sender.name == "community":
        sync_site(using=using)
