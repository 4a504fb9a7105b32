"""Exceptions of the Open Badges library. Their `message` is safe to show to anyone."""

from django.utils.translation import gettext_lazy as _


class OpenBadgesError(Exception):
    """Base class; `message` is a translatable text for people, `str()` a detail for logs."""

    message = _("The credential could not be processed.")

    def __init__(self, detail: str = "", *, message=None):
        super().__init__(detail or str(self.message))
        if message is not None:
            self.message = message


class MalformedCredential(OpenBadgesError):
    message = _("This is not a well-formed credential.")


class UnsupportedContext(MalformedCredential):
    message = _("The credential uses a JSON-LD context that this portal does not know.")


class InvalidProof(OpenBadgesError):
    message = _("The credential's signature is not valid.")


class KeyEncryptionError(OpenBadgesError):
    message = _("The issuer key could not be unlocked.")


class BadgeImageError(OpenBadgesError):
    message = _("The badge image could not be read.")


class BadgeImageTooLarge(BadgeImageError):
    message = _("The badge image is too large.")


class NoCredentialInImage(BadgeImageError):
    message = _("The image does not contain an Open Badges credential.")


class StatusListError(OpenBadgesError):
    message = _("The credential's status list could not be checked.")
