"""Standard gate criteria get a kind, translated at display, instead of a name stored in the
language that happened to be active when the sluice was created (issue 9, point 5)."""

from django.db import migrations, models

# The standard criteria as earlier versions stored them, in each of the site's languages.
STANDARD = {
    "need": (
        {"Behov", "Need"},
        {"Hur stort är behovet, och för vem?", "Hvor stort er behovet, og for hvem?", "How great is the need, and for whom?"},
    ),
    "feasibility": (
        {"Genomförbarhet", "Gjennomførbarhet", "Feasibility"},
        {
            "Går det att genomföra med de resurser som finns?",
            "Kan det gjennomføres med de ressursene som finnes?",
            "Can it be done with the means at hand?",
        },
    ),
    "effect": (
        {"Effekt", "Effect"},
        {"Vilken skillnad gör den?", "Hvilken forskjell vil den gjøre?", "What difference will it make?"},
    ),
    "cost": (
        {"Kostnad", "Cost"},
        {
            "Är kostnaden rimlig i förhållande till effekten?",
            "Er kostnaden rimelig sett opp mot effekten?",
            "Is the cost reasonable for the effect?",
        },
    ),
}
SWEDISH = {
    "need": ("Behov", "Hur stort är behovet, och för vem?"),
    "feasibility": ("Genomförbarhet", "Går det att genomföra med de resurser som finns?"),
    "effect": ("Effekt", "Vilken skillnad gör den?"),
    "cost": ("Kostnad", "Är kostnaden rimlig i förhållande till effekten?"),
}


def to_kinds(apps, schema_editor):
    """A criterion named and described as a standard one (in any language) becomes that kind;
    one a coordinator renamed or described differently stays custom, as written."""
    Criterion = apps.get_model("ideas", "Criterion")
    for criterion in Criterion.objects.filter(kind="custom"):
        for kind, (names, descriptions) in STANDARD.items():
            if criterion.name.strip() in names and criterion.description.strip() in descriptions | {""}:
                if not Criterion.objects.filter(sluice_id=criterion.sluice_id, kind=kind).exists():
                    Criterion.objects.filter(pk=criterion.pk).update(kind=kind, name="", description="")
                break


def to_names(apps, schema_editor):
    Criterion = apps.get_model("ideas", "Criterion")
    for kind, (name, description) in SWEDISH.items():
        Criterion.objects.filter(kind=kind).update(kind="custom", name=name, description=description)


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0003_index_change_moved_to_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="criterion",
            name="kind",
            field=models.CharField(
                choices=[
                    ("need", "Need"),
                    ("feasibility", "Feasibility"),
                    ("effect", "Effect"),
                    ("cost", "Cost"),
                    ("custom", "Custom"),
                ],
                default="custom",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="criterion",
            name="name",
            field=models.CharField(
                blank=True, help_text="Only for custom criteria.", max_length=100, verbose_name="name"
            ),
        ),
        migrations.RunPython(to_kinds, to_names),
    ]
