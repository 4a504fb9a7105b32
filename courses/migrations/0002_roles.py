"""Model permissions of the courses app for the roles (Django groups).

Faculty create and edit modules in the admin; which modules they may open is decided per
object in courses/admin.py (only those they co-own). Staff manage everything.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["module", "moduleowner", "moduleapproval", "session", "learningoutcome", "enrolment", "programme",
          "programmeapplication", "auditentry"]

ROLE_PERMISSIONS = {
    "faculty": [
        *(f"{action}_{model}" for model in ("module", "moduleowner", "session", "learningoutcome")
          for action in ("add", "change", "delete", "view")),
        "view_moduleapproval",
        "view_enrolment",
        "view_programme",
    ],
    "staff": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="courses", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="courses"))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("community", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
