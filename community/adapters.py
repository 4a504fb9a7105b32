"""django-allauth hooks: mails go through the stored-e-mail queue, in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from . import services
from .models import User


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
        return super().save_user(request, user, form, commit=commit)
