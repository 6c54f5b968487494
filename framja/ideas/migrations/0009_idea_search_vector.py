import django.contrib.postgres.search
from django.db import migrations

# The configuration per idea language. Swedish and Norwegian ideas are stemmed in their own
# language ("stationen" finds "station"); anything else word for word ('simple'). No unaccent: å, ä,
# ö, æ and ø are letters of their own in both languages, and folding them would make different
# words one ("får"/"far", "hår"/"har"). The reference is added word for word.
FORWARD = """
CREATE OR REPLACE FUNCTION ideas_idea_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    config regconfig := CASE lower(left(coalesce(NEW.language, ''), 2))
        WHEN 'sv' THEN 'pg_catalog.swedish'
        WHEN 'nb' THEN 'pg_catalog.norwegian'
        WHEN 'nn' THEN 'pg_catalog.norwegian'
        WHEN 'no' THEN 'pg_catalog.norwegian'
        ELSE 'pg_catalog.simple' END;
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
        || to_tsvector(config, coalesce(NEW.description, ''))
        || to_tsvector('pg_catalog.simple', coalesce(NEW.reference, ''));
    RETURN NEW;
END
$$;
CREATE TRIGGER ideas_idea_search_vector
    BEFORE INSERT OR UPDATE OF title, description, reference, language, search_vector ON ideas_idea
    FOR EACH ROW EXECUTE FUNCTION ideas_idea_search_vector();
UPDATE ideas_idea SET search_vector = NULL;
CREATE INDEX ideas_idea_search_vector_gin ON ideas_idea USING gin (search_vector);
"""
BACKWARD = """
DROP INDEX IF EXISTS ideas_idea_search_vector_gin;
DROP TRIGGER IF EXISTS ideas_idea_search_vector ON ideas_idea;
DROP FUNCTION IF EXISTS ideas_idea_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0008_idea_supporter_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
