"""LTI 1.3 endpoints: OIDC login initiation, the launch, Deep Linking and the tool's key set."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import lti_services
from .lti import LtiError

logger = logging.getLogger(__name__)

DEEP_LINK_SESSION_KEY = "courses_lti_deep_link"
STATE_COOKIE_PREFIX = "jige-lti-"

REASONS = {
    "request": _("The request from your learning platform is missing information. Open the link in your course again."),
    "platform": _("Your learning platform is not registered with the portal. Ask the portal staff to register it."),
    "state": _(
        "This sign-in from your course has expired or was started in another browser. "
        "Open the link in your course again."
    ),
    "replay": _("This sign-in from your course has already been used. Open the link in your course again."),
    "nonce": _("This sign-in from your course does not match the one the portal started. Open the link again."),
    "signature": _("The sign-in from your course could not be verified: it is not signed with your platform’s keys."),
    "audience": _("The sign-in from your course was meant for another tool, not for this portal."),
    "expired": _("The sign-in from your course has expired. Open the link in your course again."),
    "claims": _("The sign-in from your course is incomplete or is not an LTI 1.3 launch."),
    "deployment": _(
        "This placement of the portal in your learning platform is not registered. "
        "Ask the portal staff to add its deployment ID."
    ),
    "email": _(
        "Your learning platform did not share your e-mail address, so the portal cannot find or create your account. "
        "Ask the platform’s administrator to share it with the portal."
    ),
    "inactive": _("Your portal account is deactivated. Please contact the portal staff."),
    "privileged": _(
        "Accounts of portal staff cannot be opened from a learning platform. Sign in to the portal directly."
    ),
    "not_instructor": _("Only instructors can place portal content in a course."),
    "unplaced": _(
        "This link in your course does not lead to a module or a group yet. Ask your instructor to choose one."
    ),
    "unreachable": _("The portal could not reach your learning platform to check the sign-in. Please try again later."),
    "jwks": _("The portal could not read your learning platform’s keys to check the sign-in. Please try again later."),
    "keys": _(
        "The portal cannot sign its answer yet because its signing key is not set up. Please tell the portal staff."
    ),
    "deep_link_expired": _("This choice of content has expired. Start again from your course."),
    "choice": _("Choose a module or a group to place in your course."),
}
FORBIDDEN = {"privileged", "not_instructor", "inactive"}
UNAVAILABLE = {"unreachable", "jwks", "keys"}


def _refuse(request, code: str, *, status: int | None = None):
    logger.info("courses.lti.refused %s", code)
    reason = REASONS.get(code, REASONS["claims"])
    status = status or (403 if code in FORBIDDEN else 503 if code in UNAVAILABLE else 400)
    return render(request, "courses/lti_error.html", {"reason": reason}, status=status)


@csrf_exempt  # a cross-site form from the platform; what it starts is checked at the launch
@never_cache
@require_http_methods(["GET", "POST"])
def lti_login(request):
    params = request.POST if request.method == "POST" else request.GET
    try:
        state, url = lti_services.begin_login(
            issuer=params.get("iss", ""),
            login_hint=params.get("login_hint", ""),
            target_link_uri=params.get("target_link_uri", ""),
            client_id=params.get("client_id", ""),
            message_hint=params.get("lti_message_hint", ""),
        )
    except LtiError as error:
        return _refuse(request, error.code)
    response = redirect(url)
    secure = request.is_secure()
    # The launch comes back as a cross-site POST: only a SameSite=None cookie (HTTPS) rides along.
    response.set_cookie(
        STATE_COOKIE_PREFIX + state[:16],
        state,
        max_age=int(lti_services.STATE_LIFETIME.total_seconds()),
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


@csrf_exempt  # authenticated by the platform's signed id_token and the one-time state instead
@xframe_options_exempt
@never_cache
@require_POST
def lti_launch(request):
    if request.POST.get("error"):
        return _refuse(request, "request")
    state = request.POST.get("state", "")
    id_token = request.POST.get("id_token", "")
    if not state or not id_token:
        return _refuse(request, "request")
    try:
        launch = lti_services.complete_launch(
            id_token=id_token, state=state, browser_state=request.COOKIES.get(STATE_COOKIE_PREFIX + state[:16], "")
        )
    except LtiError as error:
        logger.info("LTI launch refused: %s", error)
        return _refuse(request, error.code)
    login(request, launch.user, backend="community.backends.ModelBackend")
    if launch.deep_link:
        request.session[DEEP_LINK_SESSION_KEY] = {**launch.deep_link, "user": launch.user.pk}
        response = redirect("courses:lti_deep_link")
    else:
        if launch.refusal:
            messages.info(request, launch.refusal)
        response = redirect(launch.redirect_url)
    response.delete_cookie(STATE_COOKIE_PREFIX + state[:16])
    return response


@require_GET
def lti_jwks(request):
    response = JsonResponse(lti_services.tool_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def lti_deep_link(request):
    data = request.session.get(DEEP_LINK_SESSION_KEY)
    if not data or data.get("user") != request.user.pk:
        return _refuse(request, "deep_link_expired")
    modules, groups = lti_services.deep_link_choices(request.user)
    error = ""
    if request.method == "POST":
        kind, _sep, pk = request.POST.get("item", "").partition(":")
        module = modules.filter(pk=pk).first() if kind == "module" and pk.isdigit() else None
        group = groups.filter(pk=pk).first() if kind == "group" and pk.isdigit() else None
        if module is None and group is None:
            error = REASONS["choice"]
        else:
            try:
                return_url, jwt = lti_services.deep_link_response(
                    request_data=data, user=request.user, module=module, group=group
                )
            except LtiError as failure:
                return _refuse(request, failure.code, status=503)
            del request.session[DEEP_LINK_SESSION_KEY]
            chosen = module or group
            return render(
                request, "courses/lti_deep_link_return.html", {"return_url": return_url, "jwt": jwt, "chosen": chosen}
            )
    return render(
        request,
        "courses/lti_deep_link.html",
        {"modules": modules.select_related("lead_university"), "groups": groups, "error": error},
        status=400 if error else 200,
    )
