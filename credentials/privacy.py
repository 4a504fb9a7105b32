"""A learner's credentials: in their data archive as the signed files the wallet serves, revoked
or kept on erasure as they chose, and who must sign in with two factors (see community/privacy.py)."""

import json

from django.db import transaction
from django.utils.translation import gettext

from . import services, signing
from .models import Award, issuing_organizations, may_issue_in_some_name
from .openbadges import KeyEncryptionError


def _json_bytes(document: dict) -> bytes:
    # The same bytes as the wallet's download and `manage.py export_credentials`.
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_credentials(user) -> dict:
    awards = list(Award.objects.for_recipient(user).with_related().order_by("created_at", "pk"))
    files = {
        f"credentials/{award.public_id}.json": _json_bytes(award.signed_credential)
        for award in awards
        if award.is_signed and not award.is_revoked
    }
    try:
        with transaction.atomic():
            record = signing.build_learner_record(learner=user)
    except KeyEncryptionError:
        record = None  # the portal's key cannot be unlocked here; the badges above are signed each
    if record is not None:
        files["credentials/learner-record.json"] = _json_bytes(record)
    files["credentials/awards.json"] = [
        {
            "id": str(award.public_id),
            "achievement": award.snapshot.get("name_en") or str(award.achievement),
            "issuer": str(award.issuer),
            "status": award.status,
            "credits_earned": str(award.credits_earned),
            "issued": award.issued_at.isoformat() if award.issued_at else None,
            "revoked": award.revoked_at.isoformat() if award.revoked_at else None,
            "public": award.is_public,
            "signed_credential": f"credentials/{award.public_id}.json"
            if award.is_signed and not award.is_revoked
            else None,
        }
        for award in awards
    ]
    return files


def erase_credentials(user, *, deletion) -> None:
    """Revoke the member's credentials if they asked for it; kept ones stay valid (their holder
    has the signed files) but no longer have a public page."""
    if deletion.keep_credentials:
        Award.objects.filter(recipient=user, is_public=True).update(is_public=False)
        return
    services.revoke_awards_of_departing_member(
        recipient=user, reason=gettext("The holder deleted their account and asked for it.")
    )


def issues_credentials(user) -> bool:
    """Faculty and staff who award in a university's name: their awards are signed with its key."""
    return may_issue_in_some_name(user) and issuing_organizations(user).exists()


EXPORTERS = [export_credentials]
ERASERS = [erase_credentials]
TWO_FACTOR_REQUIRED_FOR = [issues_credentials]
