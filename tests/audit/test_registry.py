"""Automatic auditing: every write of a registered model, with actor, before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.accounts import services
from framja.accounts.models import Membership, Organisation, Role
from framja.audit.context import acting_as
from framja.audit.models import AuditEntry
from framja.audit.registry import REDACTED
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_page_edit_records_actor_before_and_after(owner_client, owner, organisation):
    url = reverse("accounts-organisation-edit", args=[organisation.slug])
    owner_client.post(
        url,
        {
            "name": "Almi Mitt",
            "kind": "business_support",
            "country": "SE",
            "organisation_number": "5565945689",
            "email": "info@almi.se",
        },
    )
    entry = AuditEntry.objects.get(action="update", content_type__model="organisation")
    assert entry.actor == owner
    assert entry.actor_label == str(owner)
    assert entry.organisation_id == organisation.pk
    assert entry.changes == {"email": ["", "info@almi.se"]}


def test_api_edit_records_the_token_owner(token_client, owner, organisation):
    token_client(owner).patch(
        f"/api/v1/organisations/{organisation.pk}", {"email": "api@almi.se"}, content_type="application/json"
    )
    entry = AuditEntry.objects.get(action="update", content_type__model="organisation")
    assert entry.actor == owner
    assert entry.changes == {"email": ["", "api@almi.se"]}


def test_commands_record_whom_they_act_as(organisation, staff):
    with acting_as(staff):
        services.organisation_update(organisation=organisation, fields={"phone": "123"})
    assert AuditEntry.objects.get(action="update").actor == staff


def test_writes_without_a_person_are_recorded_as_system(organisation):
    services.organisation_update(organisation=organisation, fields={"phone": "123"})
    entry = AuditEntry.objects.get(action="update")
    assert entry.actor is None
    assert entry.actor_label == "system"


def test_create_records_values_without_bookkeeping_fields(owner):
    with acting_as(owner):
        organisation = services.organisation_create(
            creator=owner, fields={"name": "Ny AB", "kind": "company", "country": "SE"}
        )
    entry = AuditEntry.objects.get(action="create", content_type__model="organisation", object_id=str(organisation.pk))
    assert entry.actor == owner
    assert entry.changes["name"] == [None, "Ny AB"]
    assert not {"id", "created_at", "updated_at"} & set(entry.changes)
    membership = AuditEntry.objects.get(
        action="create", content_type__model="membership", organisation_id=organisation.pk
    )
    assert membership.changes["user"] == [None, str(owner)]  # related objects by their name
    assert membership.changes["organisation"] == [None, "Ny AB"]


def test_many_to_many_changes_record_the_lists_before_and_after(organisation, places):
    services.organisation_update(organisation=organisation, fields={}, serves=[places["ostersund"], places["are"]])
    services.organisation_update(organisation=organisation, fields={}, serves=[places["are"]])
    changes = [e.changes["serves"] for e in AuditEntry.objects.filter(changes__has_key="serves").order_by("id")]
    assert changes == [[[], ["Åre", "Östersund"]], [["Åre", "Östersund"], ["Åre"]]]


def test_unchanged_save_writes_no_entry(organisation):
    before = AuditEntry.objects.count()
    organisation.save()
    services.organisation_update(organisation=organisation, fields={}, serves=[])
    assert AuditEntry.objects.count() == before


def test_password_change_is_recorded_but_redacted(owner):
    owner.set_password("a-new-password-123")
    owner.save()
    entry = AuditEntry.objects.get(action="update", content_type__model="user")
    assert entry.changes == {"password": [REDACTED, REDACTED]}


def test_token_hash_is_never_logged(owner):
    services.api_token_create(user=owner, name="x")
    entry = AuditEntry.objects.get(content_type__model="apitoken")
    assert "token_hash" not in entry.changes


def test_failed_write_leaves_no_entry(organisation, owner):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017, PT011 - any validation error
        services.organisation_update(organisation=organisation, fields={"organisation_number": "1"})
    assert AuditEntry.objects.count() == before


def test_deleting_an_organisation_keeps_its_history(organisation, owner, member, staff):
    org_id = organisation.pk
    with acting_as(staff):
        Organisation.objects.get(pk=org_id).delete()
    assert not Organisation.objects.filter(pk=org_id).exists()
    deleted = AuditEntry.objects.filter(organisation_id=org_id, action="delete")
    assert {e.content_type.model for e in deleted} == {"organisation", "membership"}


def test_membership_role_change_is_readable(organisation, member):
    membership = Membership.objects.get(user=member)
    services.member_set_role(membership=membership, role=Role.COORDINATOR)
    entry = AuditEntry.objects.get(action="update", content_type__model="membership")
    [change] = entry.field_changes()
    assert change.name == "role"
    assert (change.before, change.after) == (str(Role.MEMBER.label), str(Role.COORDINATOR.label))


def test_entries_of_other_organisations_stay_apart(organisation, other_organisation):
    services.organisation_update(organisation=other_organisation, fields={"phone": "1"})
    assert not AuditEntry.objects.for_organisation(organisation.pk).filter(action="update").exists()


def test_user_factory_writes_are_audited_without_organisation(db):
    user = UserFactory.create()
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(user.pk))
    assert entry.organisation_id is None
    assert entry.changes["password"] == [None, REDACTED]


def test_new_organisation_by_factory_is_logged_to_itself(db):
    organisation = OrganisationFactory.create()
    assert AuditEntry.objects.filter(organisation_id=organisation.pk, action="create").exists()


def test_dates_are_shown_in_the_readers_format(owner, organisation):
    invitation = services.invitation_send(
        organisation=organisation, email="a@example.org", role="member", invited_by=owner
    )
    entry = AuditEntry.objects.get(content_type__model="invitation")
    shown = {change.name: change.after for change in entry.field_changes()}
    assert "+00:00" not in shown["expires_at"]
    assert str(invitation.expires_at.year) in shown["expires_at"]


def test_every_audited_field_has_a_translated_label():
    """The log names a changed field by its verbose_name in the reader's language; a field without
    one gets a label Django makes up from its name, in English whatever the language ("Invited by")."""
    from django.apps import apps
    from django.utils.functional import Promise

    from framja.audit.registry import audited_fields

    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in audited_fields(model)
        if not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []
