import community.search
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0009_merge_0006_cohort_enrolment_0008_merge_20261203_2242"),
    ]

    operations = [
        community.search.InlineSearchVector("module", "search_text"),
        community.search.InlineSearchVector("programme", "search_text"),
    ]
