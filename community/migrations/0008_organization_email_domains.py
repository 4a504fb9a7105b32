"""Organizations' e-mail domains, and the guest role for members who sign up with any other address."""

from django.db import migrations, models

# Read by conftest.restore_roles, like 0002_roles: guests hold no permissions of their own.
ROLE_PERMISSIONS = {"guest": []}


def create_guest_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLE_PERMISSIONS:
        Group.objects.get_or_create(name=role)


def remove_guest_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_audit_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="email_domains",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Domains of the university's student e-mail addresses, separated by spaces or commas, "
                    "e.g. kansai-u.ac.jp; subdomains count. Members who sign up with such an address become its students."
                ),
                max_length=500,
                verbose_name="e-mail domains",
            ),
        ),
        migrations.RunPython(create_guest_role, remove_guest_role),
    ]
