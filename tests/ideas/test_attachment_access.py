"""Attachments may hold personal data: only the idea's caseworkers can download them."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from framja.ideas.models import Attachment

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4\n% Kim Karlsson, 070-123 45 67\n"


@pytest.fixture
def attachment(idea) -> Attachment:
    stored = Attachment(idea=idea, original_name="skiss med kontaktuppgifter.pdf", content_type="application/pdf")
    stored.size = len(CONTENT)
    stored.file.save("0123abcd.pdf", ContentFile(CONTENT), save=False)
    stored.save()
    return stored


def _url(attachment: Attachment) -> str:
    return reverse("ideas-casework-attachment", args=[attachment.idea_id, attachment.pk])


def test_caseworker_downloads_under_the_original_name(coordinator_client, attachment):
    response = coordinator_client.get(_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert "skiss" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_casework_page_links_to_the_checked_download(coordinator_client, attachment):
    page = coordinator_client.get(reverse("ideas-casework-detail", args=[attachment.idea_id])).content.decode()
    assert _url(attachment) in page
    assert attachment.file.url not in page


def test_outsider_gets_404(outsider_client, attachment):
    assert outsider_client.get(_url(attachment)).status_code == 404


def test_member_without_casework_role_gets_404(member_client, attachment):
    assert member_client.get(_url(attachment)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, attachment):
    response = client.get(_url(attachment))
    assert response.status_code == 302
    assert reverse("accounts-login") in response["Location"]


def test_attachment_of_another_idea_is_404(coordinator_client, attachment, make_idea):
    other = make_idea(title="Annan idé")
    url = reverse("ideas-casework-attachment", args=[other.pk, attachment.pk])
    assert coordinator_client.get(url).status_code == 404


def test_media_files_are_not_served_publicly(client, attachment, settings):
    assert client.get("/" + settings.MEDIA_URL.lstrip("/") + attachment.file.name).status_code == 404
