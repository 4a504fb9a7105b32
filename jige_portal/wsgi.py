import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jige_portal.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by get_wsgi_application()

if settings.WARM_UP:
    # Ready before the first request instead of slow on it (jige_portal/warmup.py).
    from jige_portal.warmup import warm_up

    warm_up()
