"""factory-boy factories shared by all tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from framja.accounts.models import ClaimStatus, Membership, Organisation, Role, User
from framja.places.models import County, Municipality

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class CountyFactory(DjangoModelFactory[County]):
    class Meta:
        model = County
        django_get_or_create = ("country", "code")

    country = "SE"
    code = "23"
    name = "Jämtlands län"


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("country", "code")

    country = "SE"
    code = factory.Sequence(lambda n: f"{9000 + n}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    county = factory.SubFactory(CountyFactory)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Företagsstöd {n} AB")
    kind = Organisation.Kind.BUSINESS_SUPPORT
    country = "SE"

    @factory.post_generation
    def verified(
        obj: Organisation,  # noqa: N805 (factory-boy passes the object)
        create: bool,
        extracted: bool | None,
        **kwargs: object,
    ) -> None:
        """Verified by default (kind and municipality), so tests keep their meaning; pass
        `verified=False` for an organisation whose claim still waits. Served municipalities: `serve()`."""
        if extracted is False:
            return
        obj.verified_kind = obj.kind
        obj.verified_municipality_id = obj.municipality_id
        obj.claim_status = ClaimStatus.VERIFIED
        if create:  # an update, not save(): no audit entry, as if the organisation had always been verified
            Organisation.objects.filter(pk=obj.pk).update(
                verified_kind=obj.kind, verified_municipality_id=obj.municipality_id, claim_status=ClaimStatus.VERIFIED
            )


def serve(organisation: Organisation, *municipalities: Municipality, verified: bool = True) -> None:
    """Let the organisation claim (and, when `verified`, be verified to serve) the municipalities."""
    organisation.serves.add(*municipalities)
    if verified:
        organisation.verified_serves.add(*municipalities)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER
