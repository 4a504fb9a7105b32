import community.search
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("internships", "0008_merge_0007_company_registration_0007_saved_searches"),
    ]

    operations = [
        community.search.InlineSearchVector("posting", "search_text"),
    ]
