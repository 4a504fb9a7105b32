from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0008_organization_email_domains"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message_data",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="message"),
        ),
    ]
