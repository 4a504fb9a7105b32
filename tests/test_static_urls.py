"""Static files' URLs (jige_portal/storage.py): remembered per name, the same as the storages give."""

import json

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage as DjangoStaticFilesStorage
from django.templatetags.static import static

from jige_portal.storage import ManifestStaticFilesStorage, StaticFilesStorage


@pytest.mark.parametrize("name", ["css/portal.css", "img/favicon.svg", "js/portal.js", "docs/日本語 guide.pdf"])
def test_each_url_is_the_one_djangos_storage_gives_first_time_and_after(name):
    ours = StaticFilesStorage()
    assert ours.url(name) == DjangoStaticFilesStorage().url(name)
    assert ours.url(name) == DjangoStaticFilesStorage().url(name)
    assert static(name) == DjangoStaticFilesStorage().url(name)  # what templates ask


def test_the_manifests_hashed_names_and_a_missing_file_still_refused_each_time(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/portal.css": "css/portal.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    for _ in range(2):  # a name the manifest lacks is an error every time, not a remembered URL
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
