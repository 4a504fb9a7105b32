"""Static files storages that remember each file's URL.

`{% static %}` asks the storage for a URL on every use: base.html alone asks for nine on every
page, and the manifest storage of production spends about 25 µs on each (the hashed name's lookup,
quoting, joining). A static file's URL does not change while a process runs (the manifest is read
once at start; a deploy starts new processes), so each name's URL is kept after the first ask.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage as DjangoStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

_KEPT = 4096  # names of static files in templates: a few hundred at most


class RememberedURLs:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, *args, **kwargs):
        if args or kwargs:  # force=True and the like: as asked
            return super().url(name, *args, **kwargs)
        try:
            return self._urls[name]
        except KeyError:
            url = super().url(name)  # a name missing from the manifest raises, and is not kept
            if len(self._urls) < _KEPT:
                self._urls[name] = url
            return url


class StaticFilesStorage(RememberedURLs, DjangoStaticFilesStorage):
    pass


class ManifestStaticFilesStorage(RememberedURLs, CompressedManifestStaticFilesStorage):
    pass
