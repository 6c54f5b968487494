"""factory-boy factories shared by all tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from framja.accounts.models import Membership, Organisation, Role, User
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

    name = factory.Sequence(lambda n: f"Företagsstöd {n} AB")
    kind = Organisation.Kind.BUSINESS_SUPPORT
    country = "SE"


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER
