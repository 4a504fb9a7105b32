"""Identity providers (SAML 2.0, OpenID Connect) per organization, which staff manage."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLE_PERMISSIONS = {"staff": [f"{action}_identityprovider" for action in ("add", "change", "delete", "view")]}


def add_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="community", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0010_communitygroup_archived_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdentityProvider",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "protocol",
                    models.CharField(
                        choices=[("saml", "SAML 2.0 (GakuNin, eduGAIN, Shibboleth)"), ("oidc", "OpenID Connect")],
                        default="saml",
                        max_length=10,
                        verbose_name="protocol",
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Part of the sign-in addresses, e.g. kansai-u; changing it changes the service provider's URLs.",
                        max_length=80,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(default=True, help_text="Shown on the sign-in page.", verbose_name="active"),
                ),
                (
                    "serves_other_organizations",
                    models.BooleanField(
                        default=False,
                        help_text="A hub or proxy that signs in people of several organizations: their home organization is taken from schacHomeOrganization. Otherwise everyone it signs in belongs to this organization.",
                        verbose_name="serves other organizations",
                    ),
                ),
                (
                    "entity_id",
                    models.CharField(
                        blank=True,
                        help_text="e.g. https://idp.kansai-u.ac.jp/idp/shibboleth",
                        max_length=200,
                        verbose_name="IdP entity ID",
                    ),
                ),
                (
                    "metadata_url",
                    models.URLField(
                        blank=True,
                        help_text="The IdP's metadata, or the federation's (GakuNin, eduGAIN): the entity ID picks the IdP out of it. Read again every four hours.",
                        max_length=500,
                        verbose_name="metadata URL",
                    ),
                ),
                (
                    "metadata_xml",
                    models.TextField(
                        blank=True,
                        help_text="Instead of a URL: the IdP's metadata, pasted.",
                        verbose_name="metadata XML",
                    ),
                ),
                (
                    "server_url",
                    models.URLField(
                        blank=True,
                        help_text="The provider's issuer; its /.well-known/openid-configuration is read from there.",
                        max_length=500,
                        verbose_name="issuer URL",
                    ),
                ),
                ("client_id", models.CharField(blank=True, max_length=200, verbose_name="client ID")),
                ("client_secret", models.CharField(blank=True, max_length=200, verbose_name="client secret")),
                (
                    "uid_attribute",
                    models.CharField(
                        blank=True,
                        help_text="Empty: eduPersonPrincipalName, pairwise-id or subject-id, else the NameID (SAML); sub (OIDC).",
                        max_length=500,
                        verbose_name="identifier attribute",
                    ),
                ),
                (
                    "email_attribute",
                    models.CharField(
                        blank=True,
                        help_text="Empty: mail (SAML); email (OIDC).",
                        max_length=500,
                        verbose_name="e-mail attribute",
                    ),
                ),
                (
                    "name_attribute",
                    models.CharField(
                        blank=True,
                        help_text="Empty: displayName or jaDisplayName (SAML); name (OIDC).",
                        max_length=500,
                        verbose_name="name attribute",
                    ),
                ),
                (
                    "affiliation_attribute",
                    models.CharField(
                        blank=True,
                        help_text="Empty: eduPersonAffiliation or eduPersonScopedAffiliation. student becomes a student, faculty or staff a faculty member, anything else a guest.",
                        max_length=500,
                        verbose_name="affiliation attribute",
                    ),
                ),
                (
                    "home_organization_attribute",
                    models.CharField(
                        blank=True,
                        help_text="Empty: schacHomeOrganization, matched against the organizations' e-mail domains.",
                        max_length=500,
                        verbose_name="home organization attribute",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="identity_providers",
                        to="community.organization",
                        verbose_name="organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "identity provider",
                "verbose_name_plural": "identity providers",
                "ordering": ["organization__name", "slug"],
            },
        ),
        migrations.RunPython(add_permissions, migrations.RunPython.noop),
    ]
