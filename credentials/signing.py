"""Open Badges 3.0 for the portal: issuer keys, status lists, signing awards, learner records.

The library (`credentials.openbadges`) knows nothing of the database; this module stores and
finds what it needs. Every function here runs inside the caller's transaction.
"""

import copy
import logging
import secrets
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from community import pagecache
from community.caching import PORTAL
from community.models import Organization, User

from . import caching
from . import openbadges as ob
from .models import Award, IssuerKey, StatusList

logger = logging.getLogger(__name__)

PORTAL_ISSUER_NAME = "JIGE Portal"
# A list takes new entries until this many are used; random free indexes stay cheap to find
# (at least one in four tries hits a free slot) and the list keeps its herd privacy.
STATUS_LIST_CAPACITY = 98_304
INDEX_ATTEMPTS = 64


def is_configured() -> bool:
    """Whether the key-encryption secret is set (without it nothing can be signed)."""
    return len(settings.CREDENTIALS_KEY_ENCRYPTION_KEY or "") >= ob.keys.MIN_SECRET_LENGTH


# --- keys -------------------------------------------------------------------------------------


def _new_key_id(organization: Organization | None) -> str:
    prefix = organization.slug if organization else "portal"
    return f"{prefix[:60]}-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def create_issuer_key(*, organization: Organization | None) -> tuple[IssuerKey, "ob.IssuerKey"]:
    """A new active key for the organization (None: the portal's own). Raises IntegrityError when
    the organization already has an active key (retire it first: see rotate_issuer_key)."""
    key = ob.IssuerKey.generate(key_id=_new_key_id(organization))
    row = IssuerKey.objects.create(
        organization=organization,
        key_id=key.key_id,
        did=key.did,
        public_key_multibase=key.public_key_multibase,
        encrypted_private_key=key.encrypted_private_key(),
    )
    logger.info("credentials.issuer_key.created %s", row.key_id)
    return row, key


def active_issuer_key(*, organization: Organization | None) -> tuple[IssuerKey, "ob.IssuerKey"]:
    """The signing key of an organization, created on first use."""
    row = IssuerKey.objects.for_organization(organization).active().first()
    if row is not None:
        return row, row.unlock()
    # Race: two workers signing an organization's first awards at once. The partial unique
    # constraint lets one INSERT win; the other fails inside its savepoint and uses the winner's.
    try:
        with transaction.atomic():
            return create_issuer_key(organization=organization)
    except IntegrityError:
        row = IssuerKey.objects.for_organization(organization).active().get()
        return row, row.unlock()


@transaction.atomic
def rotate_issuer_key(*, organization: Organization | None) -> IssuerKey:
    """Retire the active key (kept for verifying and re-signing its status lists) and create a new one."""
    current = IssuerKey.objects.for_organization(organization).active().select_for_update().first()
    if current is not None:
        current.retired_at = timezone.now()
        current.save(update_fields=["retired_at"])
        logger.info("credentials.issuer_key.retired %s", current.key_id)
    row, _key = create_issuer_key(organization=organization)
    return row


# {names of page-cache versions: (their tokens, value)}: what every verification reads, kept in
# this process while the tokens hold (one Redis round trip instead of a query).
_REMEMBERED: dict[tuple, tuple] = {}


def _remembered(names: tuple[str, ...], compute):
    tokens = pagecache.current_versions(names)
    kept = _REMEMBERED.get(names)
    if kept is not None and kept[0] == tokens:
        return kept[1]
    value = compute()  # after reading the tokens: a change committed meanwhile bumps them again
    if len(_REMEMBERED) > 1000:
        _REMEMBERED.clear()
    _REMEMBERED[names] = (tokens, value)
    return value


def known_issuers() -> dict[str, str]:
    """{DID: registered name} of every key the portal ever had (retired ones too)."""

    def load():
        names = {}
        for did, name in IssuerKey.objects.values_list("did", "organization__name"):
            names[did] = name or PORTAL_ISSUER_NAME
        return names

    return dict(_remembered((PORTAL, caching.ISSUERS), load))


def organization_for_did(did: str) -> Organization | None:
    row = IssuerKey.objects.filter(did=did).select_related("organization").first()
    return row.organization if row else None


# --- status lists -----------------------------------------------------------------------------


def _sign_status_list(status_list: StatusList, key: "ob.IssuerKey", bits: "ob.BitstringStatusList") -> None:
    now = timezone.now()
    status_list.bits = bits.to_bytes()
    status_list.updated_at = now
    status_list.signed_credential = ob.sign(
        ob.build_status_list_credential(
            url=status_list.get_public_url(), issuer_did=key.did, status_list=bits, valid_from=now
        ),
        key,
    )


def _current_status_list(key_row: IssuerKey, key: "ob.IssuerKey") -> StatusList:
    status_list = StatusList.objects.filter(issuer_key=key_row).order_by("-created_at", "-pk").first()
    if status_list is not None and status_list.awards.count() < STATUS_LIST_CAPACITY:
        return status_list
    # Race: two workers filling the last slots at once would each open a new list; lock the key.
    IssuerKey.objects.select_for_update().get(pk=key_row.pk)
    newest = StatusList.objects.filter(issuer_key=key_row).order_by("-created_at", "-pk").first()
    if newest is not None and newest != status_list:
        return newest
    bits = ob.BitstringStatusList()
    status_list = StatusList(issuer_key=key_row, length=len(bits))
    _sign_status_list(status_list, key, bits)
    status_list.save()
    return status_list


def _allocate_status_index(award: Award, status_list: StatusList) -> int:
    """A random free index (not sequential: neighbours in a list must not tell who was issued when)."""
    for _attempt in range(INDEX_ATTEMPTS):
        index = secrets.randbelow(status_list.length)
        if Award.objects.filter(status_list=status_list, status_index=index).exists():
            continue
        # Race: another worker may take the same index between the check and the UPDATE; the
        # unique constraint (status_list, status_index) makes the second one fail and try again.
        try:
            with transaction.atomic():
                Award.objects.filter(pk=award.pk).update(status_list=status_list, status_index=index)
                pagecache.bump(caching.award(award.pk))
        except IntegrityError:
            continue
        return index
    raise RuntimeError("no free status list index found")  # cannot happen below STATUS_LIST_CAPACITY


def set_revoked_bit(*, award: Award) -> None:
    """Flip the award's bit in its status list and re-sign the list, in the caller's transaction.
    Raises KeyEncryptionError, before writing anything, when the list's key cannot be unlocked."""
    if award.status_list_id is None:
        return
    # Race: two revocations on the same list at once would each read the old bits and the last
    # write would drop the other's bit; the row lock makes them take turns.
    status_list = StatusList.objects.select_for_update().select_related("issuer_key").get(pk=award.status_list_id)
    bits = ob.BitstringStatusList(data=bytes(status_list.bits))
    if bits.get(award.status_index):
        return
    bits.set(award.status_index)
    # Each list is signed by the key of the credentials that point at it, retired or not.
    _sign_status_list(status_list, status_list.issuer_key.unlock(), bits)
    status_list.save(update_fields=["bits", "signed_credential", "updated_at"])


def fetch_status_list(url: str) -> dict:
    """The verifier's status list fetcher: this portal's own lists, from the database (no HTTP to
    ourselves); any other host is refused (the verifier then reports that revocation was not checked)."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or parts.query or parts.fragment:
        raise ob.StatusListError("the status list is not on this portal")
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise ob.StatusListError("no such status list") from None
    if match.view_name != "credentials:status_list":
        raise ob.StatusListError("not a status list URL")
    public_id = match.kwargs["public_id"]

    def load():
        return StatusList.objects.filter(public_id=public_id).values_list("signed_credential", flat=True).first()

    document = _remembered((caching.status_list(public_id),), load)
    if document is None:
        raise ob.StatusListError("no such status list")
    return copy.deepcopy(document)


# --- signing awards ---------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return url if urlsplit(url).scheme else settings.SITE_URL + url


def _issuer_profile(organization: Organization | None, did: str, names: dict | None = None) -> "ob.IssuerProfile":
    """Profile with the English and Japanese names (as issued, from the award's snapshot)."""
    if organization is None:
        return ob.IssuerProfile(did=did, name=PORTAL_ISSUER_NAME, url=settings.SITE_URL + "/")
    names = names or {}
    name_en = names.get("name_en") or organization.name_en or organization.name
    name_ja = names.get("name_ja") or ""
    name = f"{name_en} / {name_ja}" if name_ja and name_ja != name_en else name_en
    url = names.get("website") or organization.website or _absolute(organization.get_absolute_url())
    return ob.IssuerProfile(did=did, name=name, url=url)


def build_award_credential(award: Award, *, key_row: IssuerKey, status_list: StatusList) -> dict:
    """The unsigned OpenBadgeCredential of an award, from its snapshot (what was issued)."""
    from django.core.files.storage import default_storage

    achievement = award.achievement
    snapshot = award.snapshot
    if not snapshot:  # an award completed before snapshots existed: what the achievement says now
        from .services import achievement_snapshot

        snapshot = award.snapshot = achievement_snapshot(achievement)
    image = snapshot.get("image") or ""
    achievement_data = ob.AchievementData(
        id=_absolute(achievement.get_absolute_url()),
        name=ob.Text(snapshot.get("name_en") or snapshot.get("name_ja") or "", snapshot.get("name_ja") or ""),
        description=ob.Text(
            snapshot.get("description_en") or snapshot.get("description_ja") or "", snapshot.get("description_ja") or ""
        ),
        criteria=ob.Text(
            snapshot.get("criteria_en") or snapshot.get("criteria_ja") or "", snapshot.get("criteria_ja") or ""
        ),
        achievement_type=ob.credential.ACHIEVEMENT_TYPES.get(snapshot.get("type"), "Achievement"),
        image_url=_absolute(default_storage.url(image)) if image else "",
        credits_available=Decimal(snapshot.get("credit_value") or "0"),
    )
    award_data = ob.AwardData(
        credential_id=f"urn:uuid:{award.public_id}",
        recipient_email=award.recipient.email,
        valid_from=award.issued_at or award.created_at,
        valid_until=award.valid_until,
        credits_earned=award.credits_earned,
    )
    return ob.build_open_badge_credential(
        issuer=_issuer_profile(award.issuer, key_row.did, snapshot.get("issuer")),
        achievement=achievement_data,
        award=award_data,
        status=ob.StatusEntry(status_list.get_public_url(), award.status_index),
    )


def sign_award(*, award: Award) -> bool:
    """Sign an issued award as an OpenBadgeCredential with its issuer's active key (created on
    first use) and give it a status list entry. In the caller's transaction, with the award row
    locked by the caller. Safe to repeat: an award already signed is left as it is."""
    if award.signed_at is not None or award.status != Award.Status.ISSUED:
        return False
    key_row, key = active_issuer_key(organization=award.issuer)
    status_list = _current_status_list(key_row, key)
    award.status_index = _allocate_status_index(award, status_list)
    award.status_list = status_list
    award.signed_credential = ob.sign(build_award_credential(award, key_row=key_row, status_list=status_list), key)
    award.signing_key = key_row
    award.signed_at = timezone.now()
    award.save(update_fields=["signed_credential", "signing_key", "signed_at", "snapshot"])
    return True


def sign_unsigned_awards(*, limit: int = 200) -> int:
    """Sign issued awards that have no credential yet (issued before signing existed, or while the
    key-encryption secret was missing). Each in its own transaction; safe to repeat and to run
    beside the workers (the row lock and the signed_at check make each award signed once)."""
    if not is_configured():
        return 0
    count = 0
    for pk in list(Award.objects.unsigned_issued().order_by("issued_at", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            award = (
                Award.objects.select_for_update(of=("self",))
                .select_related("achievement", "issuer", "recipient")
                .filter(pk=pk)
                .first()
            )
            if award is not None and sign_award(award=award):
                count += 1
    return count


# --- learner record and downloads --------------------------------------------------------------


def build_learner_record(*, learner: User) -> dict | None:
    """The learner's signed CLR 2.0 ClrCredential wrapping every signed credential they hold
    (revoked ones left out), signed by the portal's own key; None when there is nothing to wrap."""
    credentials = list(
        Award.objects.for_recipient(learner)
        .issued()
        .signed()
        .order_by("issued_at", "pk")
        .values_list("signed_credential", flat=True)
    )
    if not credentials:
        return None
    key_row, key = active_issuer_key(organization=None)
    clr = ob.build_clr_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=_issuer_profile(None, key_row.did),
        recipient_email=learner.email,
        credentials=credentials,
        valid_from=timezone.now(),
        name="Comprehensive Learner Record",
    )
    return ob.sign(clr, key)


def baked_badge(award: Award) -> bytes | None:
    """The badge PNG with the signed credential inside (iTXt openbadgecredential), or None."""
    image = award.badge_image
    if not image or not award.signed_credential:
        return None
    with image.open("rb") as handle:
        data = handle.read()
    return ob.bake_png(data, award.signed_credential)
