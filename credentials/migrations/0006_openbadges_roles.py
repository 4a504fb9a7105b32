"""Staff may look at issuer keys (public parts only) and status lists in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {"staff": ["view_issuerkey", "view_statuslist"]}


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("credentials")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="credentials", codename__in=codenames))


def remove_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="credentials", codename__in=ROLE_PERMISSIONS[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [("credentials", "0005_openbadges")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
