"""Writes of LTI 1.3: the tool's key, OIDC login initiation, launches (account, enrolment, group),
Deep Linking responses and the scores sent back to a course (Assignment and Grade Services).

Every check runs before the first write, and every write of a launch runs in one transaction,
so a refused launch leaves nothing behind.
"""

import logging
import secrets
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from community import services as community_services
from community.models import CommunityGroup, Role, User
from credentials.openbadges import keys as key_encryption
from credentials.signing import is_configured as keys_configured
from jige_portal.celery import send_after_commit

from . import lti
from .lti import CLAIM, DL_CLAIM, LtiError
from .models import (
    Enrolment,
    EnrolmentRefused,
    LtiAccount,
    LtiDeployment,
    LtiLaunch,
    LtiLoginState,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    LtiToolKey,
    Module,
)

logger = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)
SWEEP_AFTER = timedelta(seconds=30)
CUSTOM_MODULE = "jige_module"
CUSTOM_GROUP = "jige_group"


def _record(event: str, **kwargs):
    from .services import record_event

    return record_event(event, **kwargs)


# --- the tool's key -------------------------------------------------------------------------------


def _unlock(row: LtiToolKey):
    raw = key_encryption.decrypt_private_key(row.encrypted_private_key, key_id=row.kid)
    return lti.private_key_from_bytes(raw)


def tool_key():
    """(kid, private key) of the portal's active key, created on first use; LtiError("keys")
    when CREDENTIALS_KEY_ENCRYPTION_KEY is not set (nothing can be signed without it)."""
    if not keys_configured():
        raise LtiError("keys", "CREDENTIALS_KEY_ENCRYPTION_KEY is not set")
    row = LtiToolKey.objects.active().first()
    if row is not None:
        return row.kid, _unlock(row)
    private_key = lti.generate_private_key()
    kid = f"jige-lti-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    # Race: two first signings at once; the partial unique constraint lets one INSERT win.
    try:
        with transaction.atomic():
            row = LtiToolKey.objects.create(
                kid=kid,
                public_jwk=lti.public_jwk(private_key, kid=kid),
                encrypted_private_key=key_encryption.encrypt_private_key(
                    lti.private_key_to_bytes(private_key), key_id=kid
                ),
            )
    except IntegrityError:
        row = LtiToolKey.objects.active().get()
        return row.kid, _unlock(row)
    logger.info("courses.lti.tool_key.created %s", kid)
    return row.kid, private_key


def tool_jwks() -> dict:
    """The public key set platforms fetch: every key, retired ones too, for tokens still in flight.
    The first key is made here when none exists yet, so a platform can be set up before any launch."""
    if keys_configured() and not LtiToolKey.objects.exists():
        tool_key()
    return {"keys": list(LtiToolKey.objects.order_by("-created_at").values_list("public_jwk", flat=True))}


@transaction.atomic
def rotate_tool_key() -> str:
    """Retire the active key (still published, for JWTs already signed with it) and make a new one."""
    LtiToolKey.objects.active().select_for_update().update(retired_at=timezone.now())
    kid, _key = tool_key()
    return kid


# --- OIDC login initiation ----------------------------------------------------------------------


def begin_login(*, issuer: str, login_hint: str, target_link_uri: str, client_id: str = "", message_hint: str = ""):
    """Remember a fresh state and nonce; (state, URL of the platform's authorization endpoint)."""
    if not issuer or not login_hint:
        raise LtiError("request", "iss and login_hint are required")
    platforms = LtiPlatform.objects.filter(issuer=issuer, is_active=True)
    if client_id:
        platforms = platforms.filter(client_id=client_id)
    platform = platforms.order_by("pk").first()
    if platform is None:
        raise LtiError("platform")
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    LtiLoginState.objects.create(state=state, nonce=nonce, platform=platform)
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": settings.SITE_URL + reverse("courses:lti_launch"),
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if message_hint:
        params["lti_message_hint"] = message_hint
    separator = "&" if "?" in platform.auth_login_url else "?"
    return state, platform.auth_login_url + separator + urllib.parse.urlencode(params)


# --- launch ---------------------------------------------------------------------------------------


@dataclass
class Launch:
    user: User
    platform: LtiPlatform
    claims: dict
    redirect_url: str = ""
    refusal: str = ""  # an enrolment that could not be made (the learner still gets the group)
    deep_link: dict = field(default_factory=dict)


def _claim_state(state: str, browser_state: str) -> LtiLoginState:
    if not state or not secrets.compare_digest(state, browser_state or ""):
        # The state cookie binds the launch to the browser that started the login (no login CSRF).
        raise LtiError("state")
    login = LtiLoginState.objects.select_related("platform").filter(state=state).first()
    if login is None or login.created_at < timezone.now() - STATE_LIFETIME:
        raise LtiError("state")
    # One winner: a replayed id_token with its state finds the row already used.
    if not LtiLoginState.objects.filter(pk=login.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise LtiError("replay")
    return login


def _language(claims: dict) -> str:
    locale = str((claims.get(CLAIM + "launch_presentation") or {}).get("locale") or "")
    return "ja" if locale.lower().startswith("ja") else "en"


def _account_for(platform: LtiPlatform, claims: dict) -> tuple[User, bool]:
    """The portal account of the platform's user: linked before, by e-mail, or new. (user, created)."""
    subject = str(claims["sub"])
    account = LtiAccount.objects.select_related("user").filter(platform=platform, subject=subject).first()
    if account is not None:
        if not account.user.is_active:
            raise LtiError("inactive")
        return account.user, False
    email = User.objects.normalize_email(str(claims.get("email") or "")).lower()
    if not email or "@" not in email:
        raise LtiError("email")
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=None,
            display_name=str(claims.get("name") or claims.get("given_name") or "")[:80],
            language=_language(claims),
        )
        # The platform vouches for the address: its users sign in there with it.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        role = Role.FACULTY if lti.is_instructor(claims) else Role.STUDENT
        community_services.assign_role(user=user, role=role)
    else:
        if not user.is_active:
            raise LtiError("inactive")
        # An LMS must not open an account that can change the portal itself.
        if user.is_superuser or user.has_role(Role.STAFF):
            raise LtiError("privileged")
        if user.role_names <= {Role.GUEST}:
            community_services.assign_role(user=user, role=Role.FACULTY if lti.is_instructor(claims) else Role.STUDENT)
            user.groups.remove(*user.groups.filter(name=Role.GUEST))
    LtiAccount.objects.create(platform=platform, subject=subject, user=user)
    _record(
        "courses.lti.account_created" if created else "courses.lti.account_linked",
        actor=user,
        subject=user,
        platform=platform.name,
    )
    return user, created


def _resource_link(deployment: LtiDeployment, claims: dict) -> LtiResourceLink:
    claim = claims.get(CLAIM + "resource_link") or {}
    if not claim.get("id"):
        raise LtiError("claims", "no resource link")
    link, _created = LtiResourceLink.objects.get_or_create(
        deployment=deployment,
        resource_link_id=str(claim["id"]),
        defaults={"title": str(claim.get("title") or "")[:255]},
    )
    changed = []
    custom = claims.get(CLAIM + "custom") or {}
    if link.module_id is None and link.group_id is None:
        # Placed by Deep Linking: the content item carried the module's or the group's slug.
        if custom.get(CUSTOM_MODULE):
            link.module = Module.objects.filter(slug=str(custom[CUSTOM_MODULE]), status=Module.Status.PUBLISHED).first()
            changed.append("module")
        elif custom.get(CUSTOM_GROUP):
            link.group = CommunityGroup.objects.filter(slug=str(custom[CUSTOM_GROUP])).first()
            changed.append("group")
    lineitem = str((claims.get(lti.AGS_CLAIM) or {}).get("lineitem") or "")
    if lineitem and lineitem != link.lineitem_url:
        link.lineitem_url = lineitem[:500]
        changed.append("lineitem_url")
    if changed:
        link.save(update_fields=changed)
    return link


def _open_module(module: Module, user: User, *, instructor: bool = False) -> tuple[str, str]:
    """Enrol a learner when possible and open the module's group: (URL, refusal or "").
    Instructors of the course join the group without taking a learner's seat."""
    from .services import enrol_learner

    if instructor:
        if module.group_id:
            community_services.add_member(group=module.group, user=user)
            return module.group.get_absolute_url(), ""
        return module.get_absolute_url(), ""
    enrolment = Enrolment.objects.filter(module=module, learner=user).first()
    if enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED and module.alumni_group_id:
        return module.alumni_group.get_absolute_url(), ""
    refusal = ""
    if enrolment is None or enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        try:
            with transaction.atomic():
                enrol_learner(module=module, learner=user)
        except EnrolmentRefused as error:
            refusal = str(error)
    if module.group_id:
        # The course placed the learner here: they belong in its group even without a seat.
        community_services.add_member(group=module.group, user=user)
        return module.group.get_absolute_url(), refusal
    return module.get_absolute_url(), refusal


@transaction.atomic
def complete_launch(*, id_token: str, state: str, browser_state: str) -> Launch:
    """Check a launch (state, signature, claims, deployment) and sign the learner in: their account
    (linked or new), enrolment and group. Raises LtiError; nothing is written then."""
    login = _claim_state(state, browser_state)
    platform = login.platform
    if not platform.is_active:
        raise LtiError("platform")
    if lti.unverified_issuer(id_token) != platform.issuer:
        raise LtiError("claims", "another issuer")
    claims = lti.decode_id_token(
        id_token, issuer=platform.issuer, client_id=platform.client_id, jwks_url=platform.jwks_url, nonce=login.nonce
    )
    deployment = LtiDeployment.objects.filter(platform=platform, deployment_id=claims[CLAIM + "deployment_id"]).first()
    if deployment is None:
        raise LtiError("deployment")
    message_type = claims[CLAIM + "message_type"]
    if message_type == lti.DEEP_LINKING:
        if not lti.is_instructor(claims):
            raise LtiError("not_instructor")
        settings_claim = claims.get(DL_CLAIM + "deep_linking_settings") or {}
        if not settings_claim.get("deep_link_return_url"):
            raise LtiError("claims", "no deep_link_return_url")
    user, _created = _account_for(platform, claims)
    launch = Launch(user=user, platform=platform, claims=claims)
    if message_type == lti.DEEP_LINKING:
        launch.deep_link = {
            "platform": platform.pk,
            "deployment_id": deployment.deployment_id,
            "settings": settings_claim,
        }
        return launch
    link = _resource_link(deployment, claims)
    account = LtiAccount.objects.get(platform=platform, subject=str(claims["sub"]))
    LtiLaunch.objects.update_or_create(link=link, account=account, defaults={"last_launched_at": timezone.now()})
    if link.module_id:
        launch.redirect_url, launch.refusal = _open_module(link.module, user, instructor=lti.is_instructor(claims))
    elif link.group_id:
        community_services.add_member(group=link.group, user=user)
        launch.redirect_url = link.group.get_absolute_url()
    else:
        raise LtiError("unplaced")
    _record("courses.lti.launched", actor=user, module=link.module, subject=user, link=link.pk)
    return launch


# --- Deep Linking -------------------------------------------------------------------------------


def deep_link_choices(user: User):
    """What an instructor may place in a course: published modules and open, public groups."""
    modules = Module.objects.published().order_by("title")
    groups = (
        CommunityGroup.objects.filter(
            visibility=CommunityGroup.Visibility.PUBLIC, join_policy=CommunityGroup.JoinPolicy.OPEN, archived_at=None
        )
        .filter(~Q(pk__in=Module.objects.exclude(group=None).values("group_id")))
        .order_by("name")
    )
    return modules, groups


def deep_link_response(*, request_data: dict, user: User, module: Module | None = None, group=None) -> tuple[str, str]:
    """(return URL, signed response JWT) placing `module` or `group` in the instructor's course."""
    platform = LtiPlatform.objects.get(pk=request_data["platform"], is_active=True)
    launch_url = settings.SITE_URL + reverse("courses:lti_launch")
    if module is not None:
        item = {
            "type": "ltiResourceLink",
            "title": module.title,
            "url": launch_url,
            "custom": {CUSTOM_MODULE: module.slug},
            # The platform creates a grade column for the module; completions are sent to it.
            "lineItem": {"scoreMaximum": 100, "label": module.title, "resourceId": "module:" + module.slug},
        }
    else:
        item = {"type": "ltiResourceLink", "title": group.name, "url": launch_url, "custom": {CUSTOM_GROUP: group.slug}}
    kid, key = tool_key()
    token = lti.deep_linking_response(
        settings_claim=request_data["settings"],
        items=[item],
        client_id=platform.client_id,
        issuer=platform.issuer,
        deployment_id=request_data["deployment_id"],
        key=key,
        kid=kid,
    )
    _record("courses.lti.deep_link_sent", actor=user, module=module, platform=platform.name)
    return request_data["settings"]["deep_link_return_url"], token


# --- Assignment and Grade Services -----------------------------------------------------------------


def queue_completion_scores(*, enrolment: Enrolment) -> list[LtiScore]:
    """In the completion's transaction: a pending score for every course placement of the module
    the learner opened with a grade column; each is sent by a task after commit."""
    from .tasks import send_lti_score

    launches = LtiLaunch.objects.filter(
        link__module_id=enrolment.module_id,
        account__user_id=enrolment.learner_id,
        link__deployment__platform__is_active=True,
    ).exclude(link__lineitem_url="")
    given = Decimal(enrolment.grade) if enrolment.grade is not None else Decimal(100)
    scores = []
    for launch in launches:
        score, created = LtiScore.objects.get_or_create(
            launch=launch, enrolment=enrolment, defaults={"score_given": given, "score_maximum": Decimal(100)}
        )
        if created:
            send_after_commit(send_lti_score, score.pk)
            scores.append(score)
    return scores


def _score_body(score: LtiScore) -> dict:
    enrolment = score.enrolment
    completed = enrolment.completed_at or score.created_at
    return {
        "userId": score.launch.account.subject,
        "scoreGiven": float(score.score_given),
        "scoreMaximum": float(score.score_maximum),
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        # The completion's own time: a score sent again is the same score, not a newer one.
        "timestamp": completed.isoformat(timespec="milliseconds"),
    }


def send_score(*, score_id: int) -> bool:
    """Send one pending score to its line item. Safe to repeat: the row is claimed with a
    conditional UPDATE, so only one run posts. True when sent now; LtiError on a passing failure
    (the row is pending again, for a retry or the sweep)."""
    now = timezone.now()
    claimed = LtiScore.objects.filter(pk=score_id, status=LtiScore.Status.PENDING).update(
        status=LtiScore.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    score = LtiScore.objects.select_related(
        "launch__account", "launch__link__deployment__platform", "enrolment__module", "enrolment__learner"
    ).get(pk=score_id)
    link = score.launch.link
    platform = link.deployment.platform
    try:
        kid, key = tool_key()
        token = lti.access_token(token_url=platform.auth_token_url, client_id=platform.client_id, key=key, kid=kid)
        status = lti.post_score(lineitem_url=link.lineitem_url, token=token, score=_score_body(score))
    except LtiError as error:
        LtiScore.objects.filter(pk=score_id).update(status=LtiScore.Status.PENDING, last_error=str(error)[:500])
        raise
    if status in (200, 201, 202, 204):
        LtiScore.objects.filter(pk=score_id).update(status=LtiScore.Status.SENT, sent_at=timezone.now(), last_error="")
        _record(
            "courses.lti.score_sent",
            module=score.enrolment.module,
            subject=score.enrolment.learner,
            platform=platform.name,
        )
        return True
    if status >= 500 or status == 429:
        LtiScore.objects.filter(pk=score_id).update(status=LtiScore.Status.PENDING, last_error=f"HTTP {status}")
        raise LtiError("score", f"HTTP {status}")
    LtiScore.objects.filter(pk=score_id).update(status=LtiScore.Status.FAILED, last_error=f"HTTP {status}")
    return False


def forget_old_login_states() -> int:
    """Delete login states past their use (a day old): they only guard a ten-minute window."""
    deleted, _rows = LtiLoginState.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted


def requeue_pending_scores(*, limit: int = 500) -> int:
    """Queue scores pending for SWEEP_AFTER (a broker outage at completion), and release ones a dead worker claimed."""
    from .tasks import send_lti_score

    now = timezone.now()
    LtiScore.objects.filter(status=LtiScore.Status.SENDING, claimed_at__lt=now - timedelta(minutes=10)).update(
        status=LtiScore.Status.PENDING
    )
    pending = list(
        LtiScore.objects.filter(status=LtiScore.Status.PENDING, created_at__lt=now - SWEEP_AFTER, attempts__lt=10)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pending:
        send_after_commit(send_lti_score, pk)
    return len(pending)
