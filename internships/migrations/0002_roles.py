"""Give the roles the internships permissions they need in the admin.

Staff run the workflow; the audit trail is view-only for everyone (the admin refuses change and
delete regardless of permissions). Students and company contacts work only in the portal pages.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "staff": [
        f"{action}_{model}"
        for model in ("hostcompany", "posting", "workeligibility", "outcomesurvey")
        for action in ("add", "change", "view")
    ]
    + ["delete_posting", "change_application", "view_application", "view_applicationevent"]
    + ["view_evaluation", "view_evaluationreminder"],
    "faculty": ["view_posting", "view_hostcompany"],
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
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="internships", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="internships"))


class Migration(migrations.Migration):
    dependencies = [("internships", "0001_initial"), ("community", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
