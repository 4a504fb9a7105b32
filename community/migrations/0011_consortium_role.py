"""The role of local government and consortium members, who read a prefecture's internship outcomes."""

from django.db import migrations

# Read by conftest.restore_roles, like 0002_roles: what they may see is decided by the portal's
# pages, not by admin permissions.
ROLE_PERMISSIONS = {"consortium": []}


def create_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLE_PERMISSIONS:
        Group.objects.get_or_create(name=role)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0010_communitygroup_archived_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
