from django.db import migrations

# An application's audit trail is append-only in PostgreSQL itself, not only in the model and the
# admin: a BEFORE UPDATE OR DELETE trigger refuses ORM bulk updates and deletes and raw SQL alike.
# Nothing needs an exception: both foreign keys are PROTECT, so deleting an application or a user
# never reaches these rows. TRUNCATE (the test runner's flush) fires no row triggers; production
# should not grant it, nor ownership of the table, to the portal's role. SQLite (`make run`) gets
# no trigger.
POSTGRESQL = """
CREATE FUNCTION internships_applicationevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'internships_applicationevent is append-only: rows cannot be %',
        CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END;
END $$;
CREATE TRIGGER internships_applicationevent_append_only BEFORE UPDATE OR DELETE ON internships_applicationevent
    FOR EACH ROW EXECUTE FUNCTION internships_applicationevent_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS internships_applicationevent_append_only ON internships_applicationevent;
DROP FUNCTION IF EXISTS internships_applicationevent_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)  # None: the % in RAISE is not a parameter


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('internships', '0003_search_vector'),
    ]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger, elidable=False),
    ]
