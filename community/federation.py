"""Sign-in with a home university's account through allauth's SAML and OpenID Connect providers.

Staff configure an `IdentityProvider` per organization in the admin; the adapter below turns each
active one into an allauth app when allauth asks for its apps, so nothing is configured twice.
Who the member is (e-mail, name, affiliation, home organization) is read here; what that makes
them (home organization, roles) is decided by `services.federation`.
"""

import logging
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path

import requests
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml import views as saml_views
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from .models import IdentityProvider, Organization

SETTINGS_KEY = "jige_identity_provider"

logger = logging.getLogger(__name__)


def parse_metadata_xml(xml: str, entity_id: str) -> dict:
    """The IdP's sign-in address and signing certificate from pasted metadata. Raises ValueError."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        idp = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id).get("idp", {})
    except Exception as error:  # lxml, defusedxml and the parser each raise their own
        raise ValueError(str(error)) from error
    certificate = idp.get("x509cert") or next(iter(idp.get("x509certMulti", {}).get("signing", [])), "")
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if idp.get("entityId") != entity_id or not certificate or not sso_url:
        raise ValueError("incomplete IdP metadata")
    return {"entity_id": entity_id, "sso_url": sso_url, "x509cert": certificate}


def sp_key_pair() -> dict:
    """The SP's certificate and private key for allauth's SAML settings, when both files are set."""
    certificate, key = settings.SAML_SP_CERTIFICATE_FILE, settings.SAML_SP_PRIVATE_KEY_FILE
    if not certificate or not key:
        return {}
    # With a key, the SP metadata publishes it for encryption too (python3-saml does so only when
    # it wants encrypted assertions), and assertions, which carry personal data through the
    # browser, are then accepted only encrypted.
    return {"x509cert": _read(certificate), "private_key": _read(key), "want_assertion_encrypted": True}


@lru_cache(maxsize=4)
def _read(path: str) -> str:
    return Path(path).read_text(encoding="ascii")


def social_app(identity_provider: IdentityProvider) -> SocialApp:
    """An unsaved allauth app for one identity provider (allauth treats apps from settings alike)."""
    name = identity_provider.organization.name
    if identity_provider.protocol == IdentityProvider.Protocol.SAML:
        if identity_provider.metadata_url:
            idp = {"entity_id": identity_provider.entity_id, "metadata_url": identity_provider.metadata_url}
        else:
            idp = parse_metadata_xml(identity_provider.metadata_xml, identity_provider.entity_id)
        app_settings = {
            "idp": idp,
            # allauth reads the identifier and e-mail itself; the rest is read by read_attributes.
            "attribute_mapping": {
                "uid": identity_provider.attribute_names("uid"),
                "email": identity_provider.attribute_names("email"),
            },
            "advanced": {
                "strict": True,
                # Shibboleth and pysaml2 IdPs sign the assertion; an unsigned one is refused.
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                **sp_key_pair(),
            },
        }
        app = SocialApp(provider="saml", provider_id=identity_provider.entity_id, client_id=identity_provider.slug)
    else:
        app_settings = {
            "server_url": identity_provider.server_url,
            "uid_field": identity_provider.attribute_names("uid")[0],
        }
        if identity_provider.scopes.split():
            app_settings["scope"] = identity_provider.scopes.split()
        app = SocialApp(
            provider="openid_connect",
            provider_id=identity_provider.slug,
            client_id=identity_provider.client_id,
            secret=identity_provider.client_secret,
        )
    app.name = name
    app.settings = {**app_settings, SETTINGS_KEY: identity_provider.pk}
    return app


def identity_provider_of(sociallogin: SocialLogin) -> IdentityProvider | None:
    app = sociallogin.account.get_provider().app
    pk = (app.settings or {}).get(SETTINGS_KEY) if app else None
    if pk is None:
        return None
    return IdentityProvider.objects.select_related("organization").filter(pk=pk).first()


@dataclass
class Attributes:
    """What an identity provider said about the member, by the admin's mapping."""

    email: str = ""
    name: str = ""
    affiliations: list[str] = field(default_factory=list)
    home_organizations: list[str] = field(default_factory=list)


def read_attributes(identity_provider: IdentityProvider, extra_data: dict) -> Attributes:
    """SAML: {attribute name: [values]}; OpenID Connect: the ID token's claims and the userinfo's."""
    if identity_provider.protocol == IdentityProvider.Protocol.OIDC:
        claims = {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
    else:
        claims = extra_data

    def values(key: str) -> list[str]:
        for name in identity_provider.attribute_names(key):
            found = claims.get(name)
            if isinstance(found, str):
                found = [found]
            found = [str(value).strip() for value in found or [] if str(value).strip()]
            if found:
                return found
        return []

    return Attributes(
        email=next(iter(values("email")), "").lower(),
        name=next(iter(values("name")), ""),
        affiliations=values("affiliation"),
        home_organizations=values("home_organization"),
    )


def home_organization(identity_provider: IdentityProvider, attributes: Attributes) -> Organization | None:
    """The IdP's own organization; for a hub, the university its schacHomeOrganization names.
    A university's own IdP may not make anyone a member of another organization."""
    if not identity_provider.serves_other_organizations:
        return identity_provider.organization
    for domain in attributes.home_organizations:
        organization = Organization.objects.for_domain(domain)
        if organization is not None:
            return organization
    return None


def email_is_vouched_for(email: str, organization: Organization | None) -> bool:
    """An IdP's address counts as verified only in its member's home organization's own domains:
    a partner's IdP cannot hand out (and so sign in to) addresses of another university."""
    return bool(email and organization is not None and Organization.objects.for_email_address(email) == organization)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for identity_provider in IdentityProvider.objects.active().select_related("organization"):
            kind = "saml" if identity_provider.protocol == IdentityProvider.Protocol.SAML else "openid_connect"
            if provider and provider not in (kind, identity_provider.allauth_provider_id):
                continue
            app_client_id = identity_provider.slug if kind == "saml" else identity_provider.client_id
            if client_id and client_id != app_client_id:
                continue
            try:
                apps.append(social_app(identity_provider))
            except ValueError:
                continue  # metadata the admin's check would have refused: no sign-in with it
        return apps

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        identity_provider = identity_provider_of(sociallogin)
        if identity_provider is None:
            return user
        attributes = read_attributes(identity_provider, sociallogin.account.extra_data)
        if attributes.name:
            user.display_name = attributes.name[:80]
        user.language = translation.get_language() or "en"
        # Decided before allauth looks for an account with this address (SocialLogin.lookup).
        organization = home_organization(identity_provider, attributes)
        for address in sociallogin.email_addresses:
            address.verified = email_is_vouched_for(address.email, organization)
        return user

    def save_user(self, request, sociallogin, form=None):
        from .services.federation import set_up_federated_member

        user = super().save_user(request, sociallogin, form=form)
        identity_provider = identity_provider_of(sociallogin)
        if identity_provider is not None:
            set_up_federated_member(
                user=user,
                identity_provider=identity_provider,
                attributes=read_attributes(identity_provider, sociallogin.account.extra_data),
            )
        return user


class VerifyingOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    """allauth skips the ID token's signature when the token came from the token endpoint (the
    specification allows that over TLS). The portal checks it always: one JWKS request per
    sign-in, and an IdP misconfigured to plain HTTP or a wrong key is refused, not trusted."""

    def _decode_id_token(self, app, id_token):
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        data = login.account.extra_data
        id_token, userinfo = data.get("id_token"), data.get("userinfo")
        # The userinfo answer must be about the person the signed ID token names.
        if not id_token or (userinfo and userinfo.get("sub") != id_token.get("sub")):
            raise OAuth2Error("userinfo does not match the ID token")
        return login


def _unreachable_errors() -> tuple:
    from lxml.etree import Error as XMLError
    from onelogin.saml2.errors import OneLogin_Saml2_Error

    # Metadata or discovery that cannot be fetched (urllib, requests) or read (lxml, python3-saml).
    return (requests.RequestException, OSError, ValueError, XMLError, OneLogin_Saml2_Error, ImproperlyConfigured)


def idp_must_answer(view):
    """allauth fetches the IdP's metadata or discovery document while it handles the request and
    lets a failure through as a server error; the member gets a translated page (503) instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _unreachable_errors():
            logger.exception("identity provider unreachable or its metadata unreadable: %s", request.path)
            return render(request, "socialaccount/idp_unavailable.html", status=503)

    return wrapper


@login_not_required
def _oidc_callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(VerifyingOpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


# allauth's views under their own URLs and names (jige_portal/urls.py lists them before allauth's).
oidc_callback = idp_must_answer(_oidc_callback)  # with the verifying adapter
oidc_login = idp_must_answer(oidc_views.login)
saml_login = idp_must_answer(saml_views.login)
saml_finish_acs = idp_must_answer(saml_views.finish_acs)


def on_social_account_added(sender, request, sociallogin, **kwargs):
    """allauth's signal when a university account is connected to an existing portal account
    (by the member, or at sign-in with an address the university vouches for)."""
    from .services.federation import set_up_federated_member

    identity_provider = identity_provider_of(sociallogin)
    if identity_provider is not None:
        set_up_federated_member(
            user=sociallogin.user,
            identity_provider=identity_provider,
            attributes=read_attributes(identity_provider, sociallogin.account.extra_data),
            connected=True,
        )
