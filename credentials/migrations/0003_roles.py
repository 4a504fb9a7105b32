"""Give the roles the credentials permissions they need in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "student": [],
    "company_contact": [],
    "faculty": ["view_achievement", "add_achievement", "change_achievement", "view_award", "view_batchaward"],
    "staff": [
        f"{action}_{model}"
        for model in ("achievement", "equivalenceclass")
        for action in ("add", "change", "delete", "view")
    ]
    + ["view_award", "change_award", "view_awardevent", "view_batchaward"]
    + ["view_recognitionrequest", "change_recognitionrequest"],
}


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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="credentials"))


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0002_batchaward_recognitionrequest"),
        ("community", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
