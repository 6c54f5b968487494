"""The 17 Agenda 2030 goals and a first set of topic tags, named in Swedish, Norwegian and English."""

from django.db import migrations

SDGS = [
    ("Ingen fattigdom", "Utrydde fattigdom", "No poverty"),
    ("Ingen hunger", "Utrydde sult", "Zero hunger"),
    ("Hälsa och välbefinnande", "God helse og livskvalitet", "Good health and well-being"),
    ("God utbildning för alla", "God utdanning", "Quality education"),
    ("Jämställdhet", "Likestilling mellom kjønnene", "Gender equality"),
    ("Rent vatten och sanitet för alla", "Rent vann og gode sanitærforhold", "Clean water and sanitation"),
    ("Hållbar energi för alla", "Ren energi for alle", "Affordable and clean energy"),
    (
        "Anständiga arbetsvillkor och ekonomisk tillväxt",
        "Anstendig arbeid og økonomisk vekst",
        "Decent work and economic growth",
    ),
    (
        "Hållbar industri, innovationer och infrastruktur",
        "Industri, innovasjon og infrastruktur",
        "Industry, innovation and infrastructure",
    ),
    ("Minskad ojämlikhet", "Mindre ulikhet", "Reduced inequalities"),
    ("Hållbara städer och samhällen", "Bærekraftige byer og lokalsamfunn", "Sustainable cities and communities"),
    ("Hållbar konsumtion och produktion", "Ansvarlig forbruk og produksjon", "Responsible consumption and production"),
    ("Bekämpa klimatförändringarna", "Stoppe klimaendringene", "Climate action"),
    ("Hav och marina resurser", "Livet i havet", "Life below water"),
    ("Ekosystem och biologisk mångfald", "Livet på land", "Life on land"),
    (
        "Fredliga och inkluderande samhällen",
        "Fred, rettferdighet og velfungerende institusjoner",
        "Peace, justice and strong institutions",
    ),
    ("Genomförande och globalt partnerskap", "Samarbeid for å nå målene", "Partnerships for the goals"),
]

TOPICS = [
    ("digitalisation", "Digitalisering", "Digitalisering", "Digitalisation"),
    ("climate-environment", "Klimat och miljö", "Klima og miljø", "Climate and environment"),
    ("mobility-transport", "Mobilitet och transport", "Mobilitet og transport", "Mobility and transport"),
    ("health-care", "Vård och omsorg", "Helse og omsorg", "Health and care"),
    ("school-education", "Skola och utbildning", "Skole og utdanning", "School and education"),
    ("business", "Näringsliv och företagande", "Næringsliv og entreprenørskap", "Business and enterprise"),
    ("tourism", "Besöksnäring", "Reiseliv", "Tourism"),
    ("culture-leisure", "Kultur och fritid", "Kultur og fritid", "Culture and leisure"),
    ("housing-planning", "Boende och samhällsbyggnad", "Bolig og samfunnsutvikling", "Housing and planning"),
    ("energy", "Energi", "Energi", "Energy"),
    ("food-agriculture", "Livsmedel och jordbruk", "Mat og landbruk", "Food and agriculture"),
    ("democracy-participation", "Demokrati och delaktighet", "Demokrati og medvirkning", "Democracy and participation"),
]


def create_tags(apps, schema_editor):
    Tag = apps.get_model("ideas", "Tag")
    for number, (sv, nb, en) in enumerate(SDGS, start=1):
        Tag.objects.update_or_create(
            slug=f"sdg-{number}",
            defaults={"kind": "sdg", "number": number, "name_sv": sv, "name_nb": nb, "name_en": en},
        )
    for slug, sv, nb, en in TOPICS:
        Tag.objects.update_or_create(slug=slug, defaults={"kind": "topic", "name_sv": sv, "name_nb": nb, "name_en": en})


def remove_tags(apps, schema_editor):
    Tag = apps.get_model("ideas", "Tag")
    Tag.objects.filter(slug__in=[f"sdg-{n}" for n in range(1, 18)] + [t[0] for t in TOPICS], ideas=None).delete()


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [migrations.RunPython(create_tags, remove_tags)]
