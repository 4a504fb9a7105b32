"""django-allauth hooks: mails go through the stored-e-mail queue, in the recipient's language;
self-registered members get a role from their verified address; flash messages in their language."""

import html

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import user_display
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from . import services
from .models import Role, User
from .services import privacy as privacy_services
from .services.roles import grant_role_for_verified_address


def _member_of(request, context: dict) -> User | None:
    """Whom a flash message is about: the member signing in or confirming, else the one signed in."""
    for candidate in (context.get("user"), getattr(context.get("email_address"), "user", None)):
        if isinstance(candidate, User):
            return candidate
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = user.language if user else translation.get_language()
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        services.queue_email(message, language=language)

    def save_user(self, request, user, form, commit=True):
        # The language the visitor signed up in is their preferred one until they change it.
        user.language = translation.get_language() or "en"
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # A guest until the address is verified: a university's domain counts only then.
            services.assign_role(user=user, role=Role.GUEST)
        return user

    def login(self, request, user):
        super().login(request, user)
        # Signing in during the grace period is the member's way back: the deletion is cancelled.
        if privacy_services.cancel_account_deletion(user=user) is not None:
            with translation.override(user.language):
                messages.info(request, gettext("Welcome back: your account will not be deleted."))

    def confirm_email(self, request, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            grant_role_for_verified_address(user=email_address.user, email=email_address.email)
        return confirmed

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        """allauth's messages in the language of the member they are about: at sign-in the request
        still speaks the browser's language, but the next page speaks the member's."""
        message_context = message_context or {}
        member = _member_of(request, message_context)
        language = member.language if member and member.language in dict(settings.LANGUAGES) else None
        with translation.override(language or translation.get_language()):
            if message is None and message_template and member is not None:
                message = self._render_message(request, message_template, message_context, member)
                if not message:
                    return
            super().add_message(request, level, message_template, message_context, extra_tags, message)

    def _render_message(self, request, template: str, context: dict, member: User) -> str:
        try:
            text = html.unescape(render_to_string(template, context, allauth_context.request).strip())
        except TemplateDoesNotExist:
            return ""
        # "Successfully signed in as {{name}}." would end "Prof. Sato.." for a name ending in a full stop.
        name = user_display(member)
        if name.endswith(".") and text.endswith(name + "."):
            text = text[:-1]
        return text


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # segno (already drawing the credentials' QR codes, pure Python) instead of qrcode.
        import io

        import segno

        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
        return buffer.getvalue().decode("utf-8")

    def can_delete_authenticator(self, authenticator) -> bool:
        from . import privacy

        if authenticator.type == authenticator.Type.TOTP and privacy.requires_two_factor(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
