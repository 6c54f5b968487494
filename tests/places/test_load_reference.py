"""`framja load_reference`: complete, idempotent, atomic and fast."""

from __future__ import annotations

import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from framja.accounts.models import Organisation
from framja.places.models import County, Municipality, SniCode, SniDivision, SniSection, fold, search_key
from framja.places.services import DATA_DIR, ReferenceDataError, load_reference


def _counts() -> dict[str, int]:
    return {
        "se_counties": County.objects.filter(country="SE").count(),
        "no_counties": County.objects.filter(country="NO").count(),
        "se_municipalities": Municipality.objects.filter(country="SE").count(),
        "no_municipalities": Municipality.objects.filter(country="NO").count(),
        "sni_sections": SniSection.objects.count(),
        "sni_divisions": SniDivision.objects.count(),
        "sni_codes": SniCode.objects.count(),
    }


EXPECTED = {
    "se_counties": 21,
    "no_counties": 15,
    "se_municipalities": 290,
    "no_municipalities": 357,
    "sni_sections": 21,
    "sni_divisions": 88,
    "sni_codes": 821,
}


def test_loads_every_list_completely(reference):
    assert _counts() == EXPECTED


@pytest.mark.parametrize(
    ("country", "code", "name", "county"),
    [
        ("SE", "2380", "Östersund", "Jämtlands län"),
        ("SE", "2321", "Åre", "Jämtlands län"),
        ("SE", "0114", "Upplands Väsby", "Stockholms län"),
        ("SE", "1860", "Laxå", "Örebro län"),
        ("NO", "1860", "Vestvågøy", "Nordland"),
        ("NO", "5001", "Trondheim", "Trøndelag"),
        ("NO", "0301", "Oslo", "Oslo"),
        ("NO", "5501", "Tromsø", "Troms"),
    ],
)
def test_known_municipalities_have_2024_codes_and_their_county(reference, country, code, name, county):
    municipality = Municipality.objects.select_related("county").get(country=country, code=code)
    assert municipality.name == name
    assert municipality.county.name == county
    assert municipality.county.country == country


def test_swedish_municipalities_keep_the_official_name(reference):
    assert Municipality.objects.get(country="SE", code="2380").official_name == "Östersunds kommun"


def test_norwegian_sami_name_is_kept_as_alternative_and_searchable(reference):
    snasa = Municipality.objects.get(country="NO", code="5041")
    assert (snasa.name, snasa.alternative_name) == ("Snåsa", "Snåase")
    assert list(Municipality.objects.search("snaase")) == [snasa]


def test_the_code_1860_is_two_municipalities_one_per_country(reference):
    assert sorted(Municipality.objects.filter(code="1860").values_list("country", "name")) == [
        ("NO", "Vestvågøy"),
        ("SE", "Laxå"),
    ]


def test_codes_are_strings_with_leading_zeros(reference):
    assert Municipality.objects.get(country="SE", name="Upplands Väsby").code == "0114"
    assert SniCode.objects.get(code="01110").dotted_code == "01.110"


@pytest.mark.parametrize(("division", "section"), [("01", "A"), ("09", "B"), ("35", "D"), ("62", "J"), ("99", "U")])
def test_divisions_lie_in_their_nace_section(reference, division, section):
    assert SniDivision.objects.get(code=division).section.code == section


def test_every_section_has_divisions_and_every_division_codes(reference):
    assert not SniSection.objects.filter(divisions=None).exists()
    assert not SniDivision.objects.filter(codes=None).exists()
    code = SniCode.objects.select_related("division__section").get(code="62010")
    assert (code.name, code.division.code, code.division.section.code) == ("Dataprogrammering", "62", "J")


def test_second_run_changes_nothing(reference):
    rows = Municipality.objects.order_by("pk").values_list("pk", "country", "code", "name", "search_key")
    before = list(rows)
    results = load_reference()
    assert all(r.created == 0 and r.updated == 0 and r.unchanged == r.total for r in results)
    assert _counts() == EXPECTED
    assert (
        list(Municipality.objects.order_by("pk").values_list("pk", "country", "code", "name", "search_key")) == before
    )


def test_a_changed_row_is_restored_in_place_and_references_survive(reference):
    ostersund = Municipality.objects.get(country="SE", code="2380")
    organisation_id = Organisation.objects.create(
        name="Östersunds kommun", kind="municipality", country="SE", municipality=ostersund
    ).pk
    Municipality.objects.filter(pk=ostersund.pk).update(name="Wrong", search_key="wrong")
    results = {r.label: r for r in load_reference()}
    assert results["Swedish municipalities (kommuner)"].updated == 1
    organisation = Organisation.objects.select_related("municipality").get(pk=organisation_id)
    assert (organisation.municipality_id, getattr(organisation.municipality, "name", None)) == (
        ostersund.pk,
        "Östersund",
    )
    assert list(Municipality.objects.search("ostersund")) == [ostersund]


def test_rows_gone_from_the_data_are_kept_and_reported(reference):
    county = County.objects.get(country="SE", code="23")
    Municipality.objects.create(country="SE", code="2399", name="Gamla kommunen", county=county)
    results = {r.label: r for r in load_reference()}
    assert results["Swedish municipalities (kommuner)"].not_in_data == 1
    assert results["Norwegian municipalities (kommuner)"].not_in_data == 0
    assert Municipality.objects.filter(code="2399").exists()


def _broken_copy(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    return data_dir


def test_malformed_data_writes_nothing(db, tmp_path):
    data_dir = _broken_copy(tmp_path)
    sni = data_dir / "sni2007" / "sni2007_detaljgrupp_utf8.csv"
    sni.write_text(sni.read_text(encoding="utf-8") + "00.000;00000;Ingen sådan huvudgrupp;\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="unknown division"):
        load_reference(data_dir=data_dir)
    assert County.objects.count() == 0
    assert Municipality.objects.count() == 0


def test_duplicate_codes_are_refused(db, tmp_path):
    data_dir = _broken_copy(tmp_path)
    counties = data_dir / "se-municipalities" / "counties.csv"
    counties.write_text(counties.read_text(encoding="utf-8") + "23,Jämtlands län igen,Jämtland\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="duplicate"):
        load_reference(data_dir=data_dir)
    assert County.objects.count() == 0


def test_missing_file_is_a_clear_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read the reference data"):
        call_command("load_reference", data_dir=tmp_path / "nowhere", stdout=StringIO())


def test_command_prints_counts_then_says_up_to_date(db):
    out = StringIO()
    call_command("load_reference", stdout=out)
    text = out.getvalue()
    assert "Swedish municipalities (kommuner)     290  (created 290" in text
    assert "Norwegian municipalities (kommuner)   357  (created 357" in text
    assert "SNI 2007 detail groups                821  (created 821" in text
    assert "1613 rows written" in text
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "Reference data already up to date" in out.getvalue()
    assert "created 0, updated 0" in out.getvalue()
    assert _counts() == EXPECTED


def test_loading_is_fast(db):
    started = time.perf_counter()
    load_reference()
    load_reference()
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Östersund", "ostersund"),
        ("Tromsø", "tromso"),
        ("Malung-Sälen", "malung salen"),
        ("  Upplands   Väsby ", "upplands vasby"),
        ("Ærø", "aero"),
        ("Guovdageaidnu", "guovdageaidnu"),
        ("Deatnu–Tana", "deatnu tana"),
        ("Kárášjohka", "karasjohka"),
        ("a\x00b|c", "a b c"),
    ],
)
def test_fold_makes_names_comparable(text, folded):
    assert fold(text) == folded


@given(st.text(max_size=300))
def test_fold_is_plain_ascii_and_stable(text):
    folded = fold(text)
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert fold(folded) == folded
    assert folded == folded.strip()


def test_search_key_joins_the_names():
    assert search_key("Snåsa", "Snåase", "") == "snasa | snaase"
