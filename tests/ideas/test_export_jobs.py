"""Large workbook exports of the inbox: built by a background job (database backend, run as the
worker runs it), with progress on their own page, downloaded only by the person who asked,
deleted when they expire. Small ones stay immediate."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from framja.accounts.models import Membership
from framja.ideas import exports as formats
from framja.ideas import tasks
from framja.ideas.models import Export
from framja.ideas.services import exports as export_services
from framja.jobs.models import Job
from framja.jobs.services import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


@pytest.fixture(autouse=True)
def _jobs_in_the_database(settings):
    """The database backend, as in production: a queued job waits until a worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.FRAMJA_EXPORT_JOB_ROWS = 3


@pytest.fixture
def inbox(make_idea):
    """Six ideas: five about skotrar (one withdrawn), one about something else."""
    found = [make_idea(title=f"Skoterled nummer {n}") for n in range(5)]
    make_idea(title="Skoterled som drogs tillbaka", withdrawn_at=timezone.now())
    make_idea(title="Bibliotek med längre öppettider", description="Biblioteket öppet på kvällar och helger.")
    return found


def start(client, **query):
    """Ask for the workbook as the confirmation page's button does (a POST to the same URL)."""
    params = urlencode({"q": "Skoterled", **query})
    return client.post(reverse("ideas-inbox-export", args=["xlsx"]) + f"?{params}")


def test_a_link_to_a_big_workbook_asks_first_and_starts_nothing(owner_client, inbox):
    url = reverse("ideas-inbox-export", args=["xlsx"])
    response = owner_client.get(url, {"q": "Skoterled"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "5" in page
    assert 'method="post"' in page
    assert "q=Skoterled" in page
    assert not Export.objects.exists()
    assert start(owner_client).status_code == 302
    assert Export.objects.count() == 1


def export_page(client, export, **headers):
    return client.get(reverse("ideas-export-detail", args=[export.pk]), **headers)


def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_big_workbook_is_built_by_the_job_and_reads_back_as_the_filtered_inbox(owner_client, inbox):
    response = start(owner_client)
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas-export-detail", args=[export.pk])
    assert export.status == Export.Status.QUEUED
    assert export.filters["text"] == "Skoterled"
    assert 'data-status="queued"' in export_page(owner_client, export).content.decode()

    assert run_jobs() == 1
    export.refresh_from_db()
    assert export.status == Export.Status.READY
    assert (export.rows_done, export.rows_total) == (5, 5)
    page = export_page(owner_client, export).content.decode()
    download_url = reverse("ideas-export-download", args=[export.pk])
    assert download_url in page
    assert "hx-trigger" not in page  # finished: the page stops asking

    download = owner_client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == formats.XLSX_TYPE
    assert download["Content-Disposition"] == f'attachment; filename="ideas-{export.organisation.slug}.xlsx"'
    rows = _rows(b"".join(download.streaming_content))
    # The same rows, in the same order, as the workbook built at once for the same filters.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_services, "job_threshold", lambda: 1_000)
        immediate = start(owner_client)
    assert immediate.status_code == 200
    assert rows == _rows(immediate.content)
    assert [row[1] for row in rows[1:]] == [f"Skoterled nummer {n}" for n in reversed(range(5))]
    assert rows[0][0] == "Referens"  # the header in the requester's language


def test_a_double_click_reuses_the_running_export(owner_client, inbox):
    first, second = start(owner_client), start(owner_client)
    assert first["Location"] == second["Location"]
    assert Export.objects.count() == 1
    assert Job.objects.filter(name=tasks.build_export.module_path).count() == 1
    start(owner_client, sort="oldest")  # other filters: another export
    assert Export.objects.count() == 2


def test_small_workbooks_stay_immediate(owner_client, inbox, settings):
    settings.FRAMJA_EXPORT_JOB_ROWS = 2_000
    response = start(owner_client)
    assert response.status_code == 200
    assert response["Content-Type"] == formats.XLSX_TYPE
    assert not Export.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator_client", "outsider_client"])
def test_nobody_else_sees_or_downloads_an_export(request, owner_client, inbox, persona):
    start(owner_client)
    run_jobs()
    export = Export.objects.get()
    other = request.getfixturevalue(persona)  # a colleague in the same inbox, or an outsider
    assert export_page(other, export).status_code == 404
    assert other.get(reverse("ideas-export-download", args=[export.pk])).status_code == 404
    assert other.post(reverse("ideas-export-retry", args=[export.pk])).status_code == 404
    assert owner_client.get(reverse("ideas-export-download", args=[export.pk])).status_code == 200


def test_anonymous_visitors_are_asked_to_sign_in(client, owner_client, inbox):
    start(owner_client)
    export = Export.objects.get()
    response = export_page(client, export)
    assert response.status_code == 302
    assert reverse("accounts-login") in response["Location"]


def test_progress_is_shown_while_the_job_writes(owner_client, inbox, monkeypatch):
    monkeypatch.setattr(export_services, "CHUNK", 2)
    seen: list[tuple[int, str]] = []
    write = formats.write_xlsx

    def watched(target, tables, *, progress=None, every=2):
        def report(rows: int) -> None:
            progress(rows)
            export = Export.objects.get()
            fragment = export_page(owner_client, export, HTTP_HX_REQUEST="true").content.decode()
            seen.append((export.rows_done, fragment))

        return write(target, tables, progress=report, every=every)

    monkeypatch.setattr(formats, "write_xlsx", watched)
    start(owner_client)
    run_jobs()
    assert [rows for rows, _fragment in seen] == [2, 4, 5]
    first = seen[0][1]
    assert 'max="5" value="2"' in first
    assert "2 av 5 rader skrivna" in first  # the requester's page, in Swedish
    assert 'hx-trigger="every' in first  # still asking
    assert "<html" not in first  # HTMX gets the fragment only


def test_the_page_speaks_each_language(owner_client, inbox):
    start(owner_client)
    run_jobs()
    export = Export.objects.get()
    texts = {"sv": "Ladda ner arbetsboken", "nb": "Last ned arbeidsboken", "en": "Download the workbook"}
    for language, text in texts.items():
        with translation.override(language):
            url = reverse("ideas-export-detail", args=[export.pk])
        response = owner_client.get(url)
        assert response.status_code == 200
        assert text in response.content.decode()


def test_expired_exports_are_deleted_with_their_files(owner_client, inbox, django_capture_on_commit_callbacks):
    start(owner_client)
    run_jobs()
    export = Export.objects.get()
    name = export.file.name
    assert name
    assert default_storage.exists(name)
    assert export_services.prune_expired(now=export.expires_at - timedelta(minutes=1)) == 0
    assert ("ideas-prune-expired-exports", tasks.prune_expired_exports, 3600) in tasks.SCHEDULE

    with django_capture_on_commit_callbacks(execute=True):
        assert export_services.prune_expired(now=export.expires_at + timedelta(seconds=1)) == 1
    assert not default_storage.exists(name)
    assert not Export.objects.exists()
    assert owner_client.get(reverse("ideas-export-download", args=[export.pk])).status_code == 404


def test_an_export_file_goes_with_its_requester(owner_client, owner, inbox, django_capture_on_commit_callbacks):
    start(owner_client)
    run_jobs()
    name = Export.objects.get().file.name
    assert name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        owner.delete()  # the export row goes by cascade
    assert not Export.objects.exists()
    assert not default_storage.exists(name)


def test_the_job_checks_access_again_when_it_runs(owner_client, owner, inbox):
    start(owner_client)
    Membership.objects.filter(user=owner).delete()
    run_jobs()
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED
    assert not export.file
    page = export_page(owner_client, export).content.decode()
    assert 'data-status="failed"' in page
    assert reverse("ideas-export-retry", args=[export.pk]) not in page


def test_a_failed_export_can_be_started_again(owner_client, inbox, monkeypatch):
    def broken(ideas):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_services, "inbox_table", broken)
    start(owner_client)
    run_jobs()
    failed = Export.objects.get()
    assert failed.status == Export.Status.FAILED
    with translation.override("en"):
        page = export_page(owner_client, failed, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("ideas-export-retry", args=[failed.pk]) in page
    assert "come back later" not in page  # a failed export does not promise a file

    monkeypatch.undo()
    response = owner_client.post(reverse("ideas-export-retry", args=[failed.pk]))
    again = Export.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert again.filters == failed.filters
    run_jobs()
    again.refresh_from_db()
    assert again.status == Export.Status.READY
    assert owner_client.get(reverse("ideas-export-retry", args=[again.pk])).status_code == 405
