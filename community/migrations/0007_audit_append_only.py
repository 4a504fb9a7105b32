from django.db import migrations

# The audit log is append-only in PostgreSQL itself, not only in the admin: a BEFORE UPDATE OR
# DELETE trigger refuses ORM bulk deletes and updates and raw SQL alike. One update stays
# possible, because the foreign keys are SET_NULL and accounts and groups may be deleted:
# clearing actor_id or group_id with every other column unchanged. A deferred constraint trigger
# then checks at commit that the user or group it pointed to is really gone, so nobody can
# detach an entry from a live account. TRUNCATE (the test runner's flush) fires no row
# triggers; production should not grant it, nor ownership of the table, to the portal's role.
# SQLite (`make run`) gets no trigger.
POSTGRESQL = """
CREATE FUNCTION community_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unchanged community_auditevent;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'community_auditevent is append-only: rows cannot be deleted';
    END IF;
    unchanged := NEW;
    unchanged.actor_id := OLD.actor_id;
    unchanged.group_id := OLD.group_id;
    IF unchanged IS DISTINCT FROM OLD
        OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
        OR (NEW.group_id IS NOT NULL AND NEW.group_id IS DISTINCT FROM OLD.group_id) THEN
        RAISE EXCEPTION 'community_auditevent is append-only: rows cannot be changed';
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION community_auditevent_detached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
            AND EXISTS (SELECT 1 FROM %(user)s WHERE id = OLD.actor_id))
        OR (OLD.group_id IS NOT NULL AND NEW.group_id IS NULL
            AND EXISTS (SELECT 1 FROM %(group)s WHERE id = OLD.group_id)) THEN
        RAISE EXCEPTION 'community_auditevent is append-only: an entry is detached only from a deleted user or group';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER community_auditevent_append_only BEFORE UPDATE OR DELETE ON community_auditevent
    FOR EACH ROW EXECUTE FUNCTION community_auditevent_append_only();
CREATE CONSTRAINT TRIGGER community_auditevent_detached AFTER UPDATE ON community_auditevent
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION community_auditevent_detached();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS community_auditevent_detached ON community_auditevent;
DROP TRIGGER IF EXISTS community_auditevent_append_only ON community_auditevent;
DROP FUNCTION IF EXISTS community_auditevent_detached();
DROP FUNCTION IF EXISTS community_auditevent_append_only();
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        quote = schema_editor.quote_name
        tables = {
            "user": quote(apps.get_model("community", "User")._meta.db_table),
            "group": quote(apps.get_model("community", "CommunityGroup")._meta.db_table),
        }
        schema_editor.execute(POSTGRESQL % tables)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0006_search_vector'),
    ]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers, elidable=False),
    ]
