"""Issuer keys: `issuer_keys create|rotate|list --organization <slug>` (slug "portal": the portal's own key)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from community.models import Organization
from credentials import signing
from credentials.models import IssuerKey
from credentials.openbadges import KeyEncryptionError


class Command(BaseCommand):
    help = (
        "Create, rotate or list the Ed25519 signing keys of an issuing organization. "
        "Rotation retires the active key (kept to verify and re-sign its status lists) and creates a new one. "
        "Private keys are never printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "rotate", "list"])
        parser.add_argument(
            "--organization", required=True, help='organization slug, or "portal" for the portal\'s own key'
        )

    def handle(self, *args, action, organization, **options):
        org = None
        if organization != "portal":
            try:
                org = Organization.objects.get(slug=organization)
            except Organization.DoesNotExist:
                raise CommandError(f"no organization with the slug {organization!r}") from None
        if action in ("create", "rotate") and not signing.is_configured():
            raise CommandError("CREDENTIALS_KEY_ENCRYPTION_KEY must be set (at least 32 random characters)")
        try:
            if action == "create":
                try:
                    with transaction.atomic():
                        row, _key = signing.create_issuer_key(organization=org)
                except IntegrityError:
                    raise CommandError("this organization already has an active key; use rotate") from None
                self.stdout.write(f"created {row.key_id} {row.did}")
            elif action == "rotate":
                row = signing.rotate_issuer_key(organization=org)
                self.stdout.write(f"rotated: new active key {row.key_id} {row.did}")
        except KeyEncryptionError as error:
            raise CommandError(str(error)) from None
        for row in IssuerKey.objects.for_organization(org).order_by("-created_at"):
            state = "active" if row.is_active else f"retired {row.retired_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{row.key_id}\t{state}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.did}")
