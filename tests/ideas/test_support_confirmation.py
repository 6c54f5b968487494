"""An anonymous support counts only once its address is confirmed (issue 9.14), so supports
cannot be stuffed with made-up addresses; what is never confirmed is deleted with its address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import F

from framja.ideas.models import Event, Idea, Support
from framja.ideas.services import public as services
from framja.ideas.tasks import prune_unconfirmed_supports
from framja.jobs.services import enqueue, run_jobs
from framja.notifications.models import OutboundEmail

pytestmark = pytest.mark.usefixtures("public_side")


def _count(idea: Idea) -> int:
    return Idea.objects.with_supporter_count().get(pk=idea.pk).supporter_count()


def test_made_up_addresses_add_nothing_to_the_count(client, idea):
    for n in range(10):
        client.post(f"/en/ideas/{idea.pk}/support/", {"email": f"fake{n}@example.org"})
    assert Support.objects.filter(idea=idea).count() == 10
    assert _count(idea) == 0
    assert not Event.objects.filter(idea=idea, kind=Event.Kind.SUPPORTED).exists()


def test_the_confirmation_mail_is_in_the_supporters_language_and_erased_once_sent(client, idea):
    client.post(f"/nb/ideas/{idea.pk}/support/", {"email": "kari@example.no"})
    queued = OutboundEmail.objects.get(to="kari@example.no")
    assert queued.language == "nb"
    assert "/nb/ideas/support/confirm/" in queued.body
    assert queued.sensitive


def test_supporting_again_before_confirming_mails_the_link_again_but_not_without_end(client, idea):
    for _ in range(5):
        client.post(f"/en/ideas/{idea.pk}/support/", {"email": "stina@example.org"})
    assert Support.objects.filter(idea=idea).count() == 1
    assert OutboundEmail.objects.filter(to="stina@example.org").count() == services.SUPPORT_CONFIRMATIONS_PER_ADDRESS[0]


def test_an_expired_or_forged_link_confirms_nothing(client, idea):
    support, _created = services.support_add(idea=idea, email="late@example.org")
    token = services.support_confirmation_token(support)
    Support.objects.filter(pk=support.pk).update(created_at=F("created_at") - timedelta(days=8))
    for link in [f"/en/ideas/support/confirm/{token[:-3]}abc/", "/en/ideas/support/confirm/1/"]:
        response = client.post(link)
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert _count(idea) == 0


def test_a_withdrawn_idea_cannot_be_confirmed(client, idea):
    support, _created = services.support_add(idea=idea, email="stina@example.org")
    link = f"/en/ideas/support/confirm/{services.support_confirmation_token(support)}/"
    services.idea_withdraw(idea=idea)
    assert client.post(link).status_code == 404
    assert Support.objects.get(pk=support.pk).confirmed_at is None


def test_the_account_holder_of_an_unconfirmed_address_confirms_by_supporting(member_client, member, idea):
    services.support_add(idea=idea, email=member.email)
    assert _count(idea) == 0
    member_client.post(f"/en/ideas/{idea.pk}/support/")
    support = Support.objects.get(idea=idea)
    assert support.user == member
    assert support.confirmed_at is not None
    assert _count(idea) == 1


def test_unconfirmed_supports_are_deleted_after_a_week_with_their_addresses(idea, settings):
    kept, _ = services.support_add(idea=idea, email="recent@example.org")
    old, _ = services.support_add(idea=idea, email="old@example.org")
    confirmed, _ = services.support_add(idea=idea, email="confirmed@example.org")
    services.support_confirm(confirmed)
    Support.objects.filter(pk__in=[old.pk, confirmed.pk]).update(created_at=F("created_at") - timedelta(days=8))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        enqueue(prune_unconfirmed_supports)
    assert run_jobs() == 1  # the scheduled job, run as the worker runs it
    assert set(Support.objects.values_list("email", flat=True)) == {"recent@example.org", "confirmed@example.org"}
    assert kept.pk in set(Support.objects.values_list("pk", flat=True))
    assert mail.outbox == []  # pruning tells nobody
