from collections import defaultdict

from django.db import migrations, models


def count(apps, schema_editor):
    """The figure the read-time count gave: distinct confirmed supporters (address, else account)
    over the duplicate group, stored on every member of the group."""
    Idea = apps.get_model("ideas", "Idea")
    Support = apps.get_model("ideas", "Support")
    DuplicateLink = apps.get_model("ideas", "DuplicateLink")
    links = dict(DuplicateLink.objects.filter(removed_at=None).values_list("duplicate_id", "original_id"))
    people = defaultdict(set)
    rows = Support.objects.filter(confirmed_at__isnull=False).values_list("idea_id", "email", "user_id")
    for idea_id, email, user_id in rows.iterator(chunk_size=5000):
        people[links.get(idea_id, idea_id)].add(email.lower() if email else f"user:{user_id}")
    by_figure = defaultdict(list)
    for pk in Idea.objects.values_list("pk", flat=True).iterator(chunk_size=5000):
        figure = len(people.get(links.get(pk, pk), ()))
        if figure:
            by_figure[figure].append(pk)
    for figure, ids in by_figure.items():
        for start in range(0, len(ids), 5000):
            Idea.objects.filter(pk__in=ids[start : start + 5000]).update(supporter_total=figure)


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0007_shared_sluice_memberships"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="supporter_total",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="supporters"),
        ),
        migrations.RunPython(count, migrations.RunPython.noop, elidable=True),
    ]
