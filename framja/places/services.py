"""Loading the shipped reference data (framja/places/data) into the database.

`load_reference()` matches rows on their natural keys (country + code, or code), creates what
is missing, updates what differs and leaves the rest untouched: running it twice writes
nothing the second time. Rows that disappeared from the data are reported, never deleted,
because organisations, ideas and support records point at them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction

from framja.places import option_cache
from framja.places.models import County, Municipality, SniCode, SniDivision, SniSection, search_key

DATA_DIR = Path(__file__).resolve().parent / "data"


class ReferenceDataError(Exception):
    """The shipped files are malformed; nothing was written."""


@dataclass(frozen=True)
class SyncResult:
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_data: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _sync(scope: models.QuerySet[Any], key: Sequence[str], rows: list[dict[str, Any]], label: str) -> SyncResult:
    """Upsert `rows` (dicts of field attnames) into `scope` by `key`, with one read and bulk writes."""
    model = scope.model
    existing = {tuple(getattr(obj, field) for field in key): obj for obj in scope}
    fields = [name for name in rows[0] if name not in key] if rows else []
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        natural_key = tuple(row[field] for field in key)
        if natural_key in seen:
            raise ReferenceDataError(f"{label}: duplicate code {natural_key}")
        seen.add(natural_key)
        obj = existing.pop(natural_key, None)
        if obj is None:
            to_create.append(model(**row))
        elif any(getattr(obj, field) != row[field] for field in fields):
            for field in fields:
                setattr(obj, field, row[field])
            to_update.append(obj)
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, fields, batch_size=500)
    return SyncResult(
        label,
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
        not_in_data=len(existing),
    )


def _require(pattern: str, value: str, what: str) -> str:
    if not re.fullmatch(pattern, value or ""):
        raise ReferenceDataError(f"{what}: malformed code {value!r}")
    return value


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _county_ids(country: str) -> dict[str, int]:
    return dict(County.objects.filter(country=country).values_list("code", "id"))


def _sync_sweden(data_dir: Path) -> list[SyncResult]:
    folder = data_dir / "se-municipalities"
    counties = [
        {"country": "SE", "code": _require(r"[0-9]{2}", row["county_code"], "SE county"), "name": row["county_name"]}
        for row in _read_csv(folder / "counties.csv")
    ]
    results = [_sync(County.objects.filter(country="SE"), ("country", "code"), counties, "Swedish counties (län)")]
    county_ids = _county_ids("SE")
    municipalities = []
    for row in _read_csv(folder / "municipalities.csv"):
        code = _require(r"[0-9]{4}", row["municipality_code"], "SE municipality")
        if row["county_code"] not in county_ids or not code.startswith(row["county_code"]):
            raise ReferenceDataError(f"SE municipality {code}: unknown county {row['county_code']!r}")
        name, official = row["municipality_name_short"].strip(), row["municipality_name"].strip()
        municipalities.append(
            {
                "country": "SE",
                "code": code,
                "name": name,
                "official_name": official,
                "alternative_name": "",
                "county_id": county_ids[row["county_code"]],
                "search_key": search_key(name, "", official),
            }
        )
    results.append(
        _sync(
            Municipality.objects.filter(country="SE"),
            ("country", "code"),
            municipalities,
            "Swedish municipalities (kommuner)",
        )
    )
    return results


def _sync_norway(data_dir: Path) -> list[SyncResult]:
    folder = data_dir / "no-municipalities"
    with (folder / "counties-2025.json").open(encoding="utf-8") as handle:
        counties = [
            {"country": "NO", "code": _require(r"[0-9]{2}", item["id"], "NO county"), "name": item["name"].strip()}
            for item in json.load(handle)
        ]
    results = [_sync(County.objects.filter(country="NO"), ("country", "code"), counties, "Norwegian counties (fylker)")]
    county_ids = _county_ids("NO")
    with (folder / "municipalities-2025.json").open(encoding="utf-8") as handle:
        items = json.load(handle)
    municipalities = []
    for item in items:
        code = _require(r"[0-9]{4}", item["id"], "NO municipality")
        if code[:2] not in county_ids:
            raise ReferenceDataError(f"NO municipality {code}: unknown fylke {code[:2]!r}")
        # `name` is the official name and may be Sami ("Snåase"); `name_no` is the Norwegian one.
        name = (item.get("name_no") or item["name"]).strip()
        alternative = item["name"].strip() if item["name"].strip() != name else ""
        municipalities.append(
            {
                "country": "NO",
                "code": code,
                "name": name,
                "official_name": "",
                "alternative_name": alternative,
                "county_id": county_ids[code[:2]],
                "search_key": search_key(name, alternative, ""),
            }
        )
    results.append(
        _sync(
            Municipality.objects.filter(country="NO"),
            ("country", "code"),
            municipalities,
            "Norwegian municipalities (kommuner)",
        )
    )
    return results


def _division_section(division: str, sections: Iterable[dict[str, str]]) -> str:
    for row in sections:
        if row["first_division"] <= division <= row["last_division"]:
            return row["section"]
    raise ReferenceDataError(f"SNI division {division} lies in no section")


def _sync_sni(data_dir: Path) -> list[SyncResult]:
    folder = data_dir / "sni2007"
    section_rows = _read_csv(folder / "sections.csv")
    sections = [
        {"code": _require(r"[A-U]", row["section"], "SNI section"), "name": row["name_sv"], "name_en": row["name_en"]}
        for row in section_rows
    ]
    results = [_sync(SniSection.objects.all(), ("code",), sections, "SNI 2007 sections")]
    section_ids = dict(SniSection.objects.values_list("code", "id"))
    divisions = [
        {
            "code": _require(r"[0-9]{2}", row["division"], "SNI division"),
            "name": row["name_sv"],
            "name_en": row["name_en"],
            "section_id": section_ids[_division_section(row["division"], section_rows)],
        }
        for row in _read_csv(folder / "divisions.csv")
    ]
    results.append(_sync(SniDivision.objects.all(), ("code",), divisions, "SNI 2007 divisions"))
    division_ids = dict(SniDivision.objects.values_list("code", "id"))
    codes = []
    with (folder / "sni2007_detaljgrupp_utf8.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            # Title and blank lines precede the data; data rows read "01.110;01110;Name;".
            if len(row) < 3 or not re.fullmatch(r"[0-9]{5}", row[1].strip()):
                continue
            code, name = row[1].strip(), " ".join(row[2].split())
            if code[:2] not in division_ids:
                raise ReferenceDataError(f"SNI code {code}: unknown division {code[:2]!r}")
            codes.append(
                {"code": code, "name": name, "division_id": division_ids[code[:2]], "search_key": search_key(name)}
            )
    results.append(_sync(SniCode.objects.all(), ("code",), codes, "SNI 2007 detail groups"))
    return results


def load_reference(*, data_dir: Path = DATA_DIR) -> list[SyncResult]:
    """Create or update every reference list from `data_dir`, all or nothing."""
    try:
        with transaction.atomic():
            # Bulk writes send no signals: the cached picker options are stale after them.
            transaction.on_commit(option_cache.bump)
            return [*_sync_sweden(data_dir), *_sync_norway(data_dir), *_sync_sni(data_dir)]
    except (KeyError, ValueError, OSError) as exc:
        raise ReferenceDataError(f"Cannot read the reference data in {data_dir}: {exc!r}") from exc
