"""Sign-in with a home university's account: one identity provider (SAML 2.0 or OpenID Connect)
per organization, configured by staff in the admin and turned into allauth apps on the fly."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import Organization

# Attribute names read when the admin leaves a mapping empty: the OIDs GakuNin and eduGAIN
# release (eduPerson, SCHAC, inetOrgPerson) and the REFEDS claims OpenID Connect providers use.
SAML_DEFAULTS = {
    "uid": [
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",  # eduPersonPrincipalName
        "urn:oasis:names:tc:SAML:attribute:pairwise-id",
        "urn:oasis:names:tc:SAML:attribute:subject-id",
    ],
    "email": ["urn:oid:0.9.2342.19200300.100.1.3"],  # mail
    "name": [
        "urn:oid:2.16.840.1.113730.3.1.241",  # displayName
        "urn:oid:1.3.6.1.4.1.32264.1.1.3",  # jaDisplayName (GakuNin)
    ],
    "affiliation": [
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",  # eduPersonAffiliation
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",  # eduPersonScopedAffiliation
    ],
    "home_organization": ["urn:oid:1.3.6.1.4.1.25178.1.2.9"],  # schacHomeOrganization
}
OIDC_DEFAULTS = {
    "uid": ["sub"],
    "email": ["email"],
    "name": ["name"],
    "affiliation": ["eduperson_affiliation", "eduperson_scoped_affiliation"],
    "home_organization": ["schac_home_organization"],
}


class IdentityProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organization__is_active=True)


class IdentityProvider(models.Model):
    class Protocol(models.TextChoices):
        SAML = "saml", _("SAML 2.0 (GakuNin, eduGAIN, Shibboleth)")
        OIDC = "oidc", _("OpenID Connect")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("organization"),
    )
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices, default=Protocol.SAML)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Part of the sign-in addresses, e.g. kansai-u; changing it changes the service provider's URLs."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Shown on the sign-in page."))
    serves_other_organizations = models.BooleanField(
        _("serves other organizations"),
        default=False,
        help_text=_(
            "A hub or proxy that signs in people of several organizations: their home organization is "
            "taken from schacHomeOrganization. Otherwise everyone it signs in belongs to this organization."
        ),
    )
    # SAML 2.0
    entity_id = models.CharField(
        _("IdP entity ID"), max_length=200, blank=True, help_text=_("e.g. https://idp.kansai-u.ac.jp/idp/shibboleth")
    )
    metadata_url = models.URLField(
        _("metadata URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "The IdP's metadata, or the federation's (GakuNin, eduGAIN): the entity ID picks the IdP out of it. "
            "Read again every four hours."
        ),
    )
    metadata_xml = models.TextField(
        _("metadata XML"), blank=True, help_text=_("Instead of a URL: the IdP's metadata, pasted.")
    )
    # OpenID Connect
    server_url = models.URLField(
        _("issuer URL"),
        max_length=500,
        blank=True,
        help_text=_("The provider's issuer; its /.well-known/openid-configuration is read from there."),
    )
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=200, blank=True)
    scopes = models.CharField(
        _("scopes"),
        max_length=300,
        blank=True,
        help_text=_(
            "Separated by spaces. Empty: openid profile email. Add the scopes under which the provider "
            "releases affiliation and home organization, e.g. eduperson_scoped_affiliation."
        ),
    )
    # Attribute mapping: attribute (SAML) or claim (OIDC) names separated by spaces, first found wins.
    uid_attribute = models.CharField(
        _("identifier attribute"),
        max_length=500,
        blank=True,
        help_text=_("Empty: eduPersonPrincipalName, pairwise-id or subject-id, else the NameID (SAML); sub (OIDC)."),
    )
    email_attribute = models.CharField(
        _("e-mail attribute"), max_length=500, blank=True, help_text=_("Empty: mail (SAML); email (OIDC).")
    )
    name_attribute = models.CharField(
        _("name attribute"),
        max_length=500,
        blank=True,
        help_text=_("Empty: displayName or jaDisplayName (SAML); name (OIDC)."),
    )
    affiliation_attribute = models.CharField(
        _("affiliation attribute"),
        max_length=500,
        blank=True,
        help_text=_(
            "Empty: eduPersonAffiliation or eduPersonScopedAffiliation. student becomes a student, "
            "faculty or staff a faculty member, anything else a guest."
        ),
    )
    home_organization_attribute = models.CharField(
        _("home organization attribute"),
        max_length=500,
        blank=True,
        help_text=_("Empty: schacHomeOrganization, matched against the organizations' e-mail domains."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["organization__name", "slug"]

    def __str__(self):
        return f"{self.organization} ({self.get_protocol_display()})"

    def clean(self):
        errors = {}
        if self.protocol == self.Protocol.SAML:
            if not self.entity_id:
                errors["entity_id"] = _("A SAML identity provider needs its entity ID.")
            if not self.metadata_url and not self.metadata_xml:
                errors["metadata_url"] = _("Give the metadata URL or paste the metadata XML.")
            elif self.metadata_xml and self.entity_id:
                from ..federation import parse_metadata_xml

                try:
                    parse_metadata_xml(self.metadata_xml, self.entity_id)
                except ValueError:
                    errors["metadata_xml"] = _(
                        "This metadata cannot be read, or it has no IdP with this entity ID, "
                        "sign-in address and signing certificate."
                    )
        else:
            for field in ("server_url", "client_id", "client_secret"):
                if not getattr(self, field):
                    errors[field] = _("An OpenID Connect provider needs its issuer URL, client ID and secret.")
        if errors:
            raise ValidationError(errors)

    def attribute_names(self, key: str) -> list[str]:
        """Names to look for, in order: the admin's, else the protocol's defaults."""
        written = getattr(self, f"{key}_attribute").split()
        if written:
            return written
        return (SAML_DEFAULTS if self.protocol == self.Protocol.SAML else OIDC_DEFAULTS)[key]

    @property
    def allauth_provider_id(self) -> str:
        """The id allauth files this IdP's accounts under: the entity ID for SAML (as allauth
        documents it), the slug for OpenID Connect (it is also part of the URLs)."""
        return self.entity_id if self.protocol == self.Protocol.SAML else self.slug
