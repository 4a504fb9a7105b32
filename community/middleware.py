import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone, translation


def apply_user_preferences(request) -> None:
    """Activate the signed-in member's language and time zone for this request."""
    user = request.user
    if user.is_authenticated:
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        try:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()


def cache_only(view):
    """Mark a view that answers from the cache alone on its fast path: the middleware then
    leaves request.user unloaded (the view calls apply_user_preferences on its slow path)."""
    view.cache_only = True
    return view


class UserPreferencesMiddleware:
    """Apply a signed-in member's language and time zone, and keep the language cookie in step.

    Sits after LocaleMiddleware (which handles anonymous visitors from the cookie and
    Accept-Language) and after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        response = self.get_response(request)
        if getattr(request, "_cache_only_view", False):
            return response
        return self._sync_language_cookie(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Views marked @cache_only (the 304 poll) must not load the user: that is a query.
        if getattr(view_func, "cache_only", False):
            request._cache_only_view = True
            return None
        apply_user_preferences(request)
        return None

    def _sync_language_cookie(self, request, response):
        # After sign-in (request.user changes during the request) the member's language wins.
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


# Pages a member who must set up two-factor sign-in can still reach: allauth's own (sign-in and
# out, e-mail verification and re-authentication, which activating an authenticator may ask
# for, and the two-factor pages themselves) and the language switch.
TWO_FACTOR_EXEMPT_PREFIXES = ("account_", "mfa_")
TWO_FACTOR_EXEMPT_NAMES = {"set_language"}
TWO_FACTOR_SESSION_KEY = "community.two_factor_ok"


class RequireTwoFactorMiddleware:
    """Send staff and those who issue credentials to set up an authenticator app before anything
    else, the admin included. Once they have one the session remembers it (the adapter refuses
    to remove the authenticator of someone who needs it), so later requests cost no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "cache_only", False) or not getattr(settings, "TWO_FACTOR_REQUIRED", True):
            return None
        user = request.user
        if not user.is_authenticated or request.session.get(TWO_FACTOR_SESSION_KEY) == user.pk:
            return None
        match = request.resolver_match
        name = (match.url_name or "") if match else ""
        if (match and not match.namespace and name.startswith(TWO_FACTOR_EXEMPT_PREFIXES)) or (
            name in TWO_FACTOR_EXEMPT_NAMES
        ):
            return None
        from . import privacy

        if not privacy.requires_two_factor(user):
            return None
        if privacy.has_totp(user):
            request.session[TWO_FACTOR_SESSION_KEY] = user.pk
            return None
        from django.contrib import messages
        from django.utils.translation import gettext

        messages.warning(
            request,
            gettext("Your role needs two-factor sign-in. Set up an authenticator app to continue."),
        )
        return redirect("mfa_activate_totp")
