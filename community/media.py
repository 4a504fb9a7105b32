"""Files of groups (post images, group covers): served only to those who may see them.

They keep their names and their URLs under MEDIA_URL (`/media/posts/…`, `/media/group-covers/…`),
but those URLs lead to `group_file`, which applies the group page's own rule (`GroupAccess`) on
every request and answers 404 to anyone else, so that a file's existence is not given away. The
rest of /media/ (avatars, logos, module covers, badge images that Open Badges verifiers fetch)
stays public.

Who sends the bytes depends on the deployment:
- files in MEDIA_ROOT: the view streams them, or, with MEDIA_ACCEL_REDIRECT_PREFIX set, answers
  with an empty response whose `X-Accel-Redirect` header tells nginx to send the file from an
  `internal` location;
- files in the media bucket (MEDIA_S3_BUCKET): `S3MediaStorage` keeps group files under the
  bucket's private prefix, outside the publicly readable media prefix, and the view redirects to
  a signed URL that expires after MEDIA_PROTECTED_URL_EXPIRE seconds.
"""

import functools
import mimetypes
import posixpath
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from django.views.static import serve
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, safe_join

# Shown inline only in these types; anything else (SVG with its scripts, HTML, unknown) is
# sent as an opaque download.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"}


def _post_folder() -> str:
    from .models import Post

    return Post._meta.get_field("image").upload_to.split("/")[0]


def _cover_folder() -> str:
    from .models import CommunityGroup

    return CommunityGroup._meta.get_field("cover").upload_to.split("/")[0]


@functools.cache
def group_folders() -> frozenset[str]:
    """The top folders that the group file fields upload to ("posts", "group-covers")."""
    return frozenset({_post_folder(), _cover_folder()})


def is_group_file(name: str) -> bool:
    # Lower-cased: a case-insensitive disk (a developer's Mac) would find POSTS/ as posts/.
    return name.lstrip("/").split("/", 1)[0].lower() in group_folders()


@functools.cache
def protected_folders() -> frozenset[str]:
    """Group files (post images, covers, attachments), files of messages and members' data
    archives: never served under /media/, kept under the bucket's private prefix."""
    from .models.content import GROUP_FILE_FOLDER, MESSAGE_FILE_FOLDER
    from .models.privacy import EXPORT_FOLDER

    # Files attached to posts and messages are served only by their own views
    # (views.groups.group_file_download, views.messaging.message_file_download).
    return group_folders() | {EXPORT_FOLDER, GROUP_FILE_FOLDER, MESSAGE_FILE_FOLDER}


def is_protected_file(name: str) -> bool:
    return name.lstrip("/").split("/", 1)[0].lower() in protected_folders()


def group_file_url(name: str) -> str:
    return settings.MEDIA_URL + filepath_to_uri(name)


def group_file_pattern() -> str:
    """The URL pattern, under MEDIA_URL, of every group file."""
    folders = "|".join(re.escape(folder) for folder in sorted(group_folders()))
    return rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>(?:{folders})/.+)$"


def _clean_name(path: str) -> str | None:
    """The stored name the URL asks for, or None for anything but a plain relative path."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    if posixpath.normpath(path) != path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def _access(request, group):
    """The group page's own check (views.groups.GroupAccess), or None where it answers 404."""
    from .views.groups import GroupAccess

    try:
        return GroupAccess(request, group.slug)
    except Http404:
        return None


def may_read(request, name: str) -> bool:
    """Whether the member may see a group that holds this file: its page for a cover, its posts
    (members only in a private group) for a post image."""
    from .models import CommunityGroup, Post

    folder = name.split("/", 1)[0]
    if folder == _post_folder():
        for post in Post.objects.filter(image=name).select_related("group"):
            # Hidden by a moderator: gone from the feed for members too; staff still moderate it.
            if post.is_hidden and not request.user.is_portal_staff:
                continue
            access = _access(request, post.group)
            if access is not None and access.can_see_content:
                return True
    elif folder == _cover_folder():
        return any(_access(request, group) is not None for group in CommunityGroup.objects.filter(cover=name))
    return False


def _content_type(name: str) -> tuple[str, bool]:
    """(Content-Type, inline?) from the name; never what the uploader's browser claimed."""
    guessed, encoding = mimetypes.guess_type(name)
    if guessed in INLINE_TYPES and not encoding:
        return guessed, True
    return "application/octet-stream", False


@login_required
def group_file(request, path):
    """A post image or group cover, for those who may see it; 404 for everyone else."""
    name = _clean_name(path)
    if name is None or not is_group_file(name) or not may_read(request, name):
        raise Http404
    content_type, inline = _content_type(name)
    return send_protected(name, content_type=content_type, inline=inline, filename=posixpath.basename(name))


def send_protected(name: str, *, content_type: str, inline: bool, filename: str):
    """The response that sends a protected file after the caller's own check: a signed bucket
    link, an nginx internal redirect, or the bytes streamed by the portal."""
    storage = default_storage
    signed_url = getattr(storage, "signed_url", None)
    expire = getattr(settings, "MEDIA_PROTECTED_URL_EXPIRE", 60)
    accel_prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "")
    if signed_url is not None:
        url = signed_url(name, expire=expire, content_type=content_type, inline=inline, filename=filename)
        response = HttpResponseRedirect(url)
        # The browser may reuse the redirect while the signed URL still works, not longer.
        response["Cache-Control"] = f"private, max-age={max(expire // 2, 0)}"
    elif accel_prefix:
        if not storage.exists(name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        # nginx sends the file from its internal location and keeps these headers.
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = _disposition(inline, filename)
        response["Cache-Control"] = "private"
    else:
        try:
            file = storage.open(name, "rb")
        except (FileNotFoundError, SuspiciousOperation):
            raise Http404 from None
        response = FileResponse(file, content_type=content_type, as_attachment=not inline, filename=filename)
        response["Cache-Control"] = "private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _disposition(inline: bool, filename: str) -> str:
    # RFC 6266: a name outside ASCII (a Japanese file name) goes in `filename*`, percent-encoded.
    return content_disposition_header(not inline, filename)


def serve_public(request, path):
    """Django's `serve` for the public rest of MEDIA_ROOT (read per request). `serve` normalizes
    the path itself (`./posts/…`, `//posts/…`, `avatars/../posts/…`), so group files are refused
    after the same normalization, not only by the URL pattern that sends them to `group_file`."""
    if is_protected_file(posixpath.normpath(path).lstrip("/")):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


class S3MediaStorage(S3Storage):
    """The media bucket, with group files kept under the private prefix.

    The bucket grants public read on the media prefix only; group files never get a key there,
    nor an ACL of their own (the bucket's private default holds), and their `url()` leads to
    `group_file`, which redirects to a signed URL after its check.
    """

    def __init__(self, **options):
        private = settings.STORAGES.get("private", {}).get("OPTIONS", {}).get("location", "private")
        self.group_location = options.pop("group_location", None) or f"{private.strip('/')}/community"
        super().__init__(**options)

    def _normalize_name(self, name):
        if is_protected_file(name):
            try:
                return safe_join(self.group_location, name)
            except ValueError:
                raise SuspiciousOperation(f"Attempted access to {name!r} denied.") from None
        return super()._normalize_name(name)

    def _get_write_parameters(self, name, content=None):
        params = super()._get_write_parameters(name, content)
        if name.startswith(self.group_location + "/"):
            params.pop("ACL", None)
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_protected_file(name):
            return group_file_url(name)
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)

    def signed_url(self, name, *, expire, content_type, inline, filename):
        """A GET of the private object, signed for `expire` seconds, with safe response headers."""
        params = {
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": _disposition(inline, filename),
            "ResponseCacheControl": "private",
        }
        return self.connection.meta.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expire)
