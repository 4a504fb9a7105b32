"""Categories staff add, and role permissions for the J-CC models: staff manage groups and
moderate; faculty view groups."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
from django.db import migrations, models

ROLE_PERMISSIONS = {
    "faculty": ["view_communitygroup", "view_membership"],
    "staff": [
        f"{action}_{model}"
        for model in ("communitygroup", "groupcategory", "membership", "joinrequest", "post", "comment", "report")
        for action in ("add", "change", "delete", "view")
    ]
    + ["view_auditevent", "view_notification"],
}


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


def remove_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="community", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("community", "0003_notificationsettings_communitygroup_auditevent_and_more")]

    operations = [
        migrations.CreateModel(
            name="GroupCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("name_en", models.CharField(max_length=80, null=True, verbose_name="name")),
                ("name_ja", models.CharField(max_length=80, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=60, unique=True, verbose_name="slug")),
            ],
            options={
                "verbose_name": "group category",
                "verbose_name_plural": "group categories",
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="communitygroup",
            name="extra_category",
            field=models.ForeignKey(
                blank=True,
                help_text="A category added by staff; the group is also listed under it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="groups",
                to="community.groupcategory",
                verbose_name="further category",
            ),
        ),
        migrations.RunPython(add_permissions, remove_permissions),
    ]
