"""The equal-terms part of the demo region (`framja seed_demo`): reference shares for both
regions, so the dashboard sets its shares beside something. The figures are round, believable
values for the demo (about three in ten company leaders in Jämtland and in Trøndelag are women;
SCB and SSB publish the real ones), marked as demo figures in their source. Idempotent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from framja.equality.models import Dimension, ReferenceShare

REFERENCES = {
    "region-jh": (
        (Dimension.GENDER, "woman", "33", "Demo figure: women among company leaders in Jämtlands län (cf. SCB)"),
        (Dimension.LEADERSHIP, "women", "25", "Demo figure: companies led by women in Jämtlands län (cf. SCB)"),
        (Dimension.BACKGROUND, "yes", "15", "Demo figure: residents with a foreign background (cf. SCB)"),
    ),
    "trondelag-fk": (
        (Dimension.GENDER, "woman", "30", "Demo figure: women among company leaders in Trøndelag (cf. SSB)"),
        (Dimension.LEADERSHIP, "women", "22", "Demo figure: companies led by women in Trøndelag (cf. SSB)"),
        (Dimension.BACKGROUND, "yes", "14", "Demo figure: immigrants and their children in Trøndelag (cf. SSB)"),
    ),
}


def seed_reference_shares(demo: Any) -> None:
    for key, shares in REFERENCES.items():
        organisation = demo.organisations.get(key)
        if organisation is None:
            continue
        for dimension, category, share, source in shares:
            _share, created = ReferenceShare.objects.get_or_create(
                organisation=organisation,
                dimension=dimension,
                category=category,
                defaults={"share": Decimal(share), "period": "2025", "source": source},
            )
            demo.created["reference shares"] += int(created)


SECTIONS = [seed_reference_shares]
