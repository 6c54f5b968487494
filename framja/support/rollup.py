"""The effort rollup (`EffortRollup`): the efforts summed per client and statistics key, for
the equal-terms figures (framja/equality/stats.py).

Kept exact by recounting, inside the transaction of the write, every client whose efforts'
keys changed (`recount`): the client's rows are deleted and written again from its efforts.
A client has a handful of efforts, so this is a few rows per write; it is idempotent (a
retried write recounts to the same rows) and needs no delta bookkeeping. The services call it
when an effort is logged or edited, when a company is merged (its clientless efforts move to
the other company) and when a person is erased (their efforts become the company's, or clients
of their own). The client rows (`Person`, `Company`) are locked first, so two writes for the
same client recount one after the other.

`rebuild` writes the whole table again from the efforts (one INSERT ... SELECT per level): the
nightly repair job and `manage.py rebuild_effort_rollup` use it for rows written around the
services (bulk loads, raw SQL, a person deleted in the admin).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections, router, transaction
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear

from framja.support.models import Company, Effort, EffortCurrency, EffortRollup, Person


def client_key() -> Any:
    """The client an effort counts for: its person (odd keys), else its company (even keys),
    else the effort itself (negative keys: an effort left with neither after an erasure)."""
    return Coalesce(F("person_id") * 2 + 1, F("company_id") * 2, -F("id"), Value(0), output_field=BigIntegerField())


def clients_of(efforts: QuerySet[Effort]) -> set[int]:
    """The client keys of these efforts."""
    return set(efforts.annotate(rollup_client=client_key()).values_list("rollup_client", flat=True))


def _clients_q(keys: Iterable[int]) -> Q:
    keys = list(keys)
    people = [(key - 1) // 2 for key in keys if key > 0 and key % 2]
    companies = [key // 2 for key in keys if key > 0 and not key % 2]
    clientless = [-key for key in keys if key < 0]
    return (
        Q(person_id__in=people)
        | Q(person=None, company_id__in=companies)
        | Q(person=None, company=None, id__in=clientless)
    )


_PERIODS: dict[str, Any] = {
    "all": None,  # no period
    "year": TruncYear("given_on"),
    "quarter": TruncQuarter("given_on"),
    "month": TruncMonth("given_on"),
}


def _insert(efforts: QuerySet[Effort]) -> None:
    """INSERT ... SELECT the rollup rows of these efforts, one statement per level."""
    profile = EffortRollup.PROFILE
    sums: dict[str, Any] = {"r_efforts": Count("id"), "r_hours": Sum("hours")}
    for currency in EffortCurrency.values:
        sums[f"r_money_{currency}"] = Sum("amount", filter=Q(currency=currency))
    keys = ["organisation_id", "snapshot_municipality_id", "offering_id", "r_client", *profile.values()]
    target = ["level", "period", "organisation_id", "municipality_id", "offering_id", "client", *profile]
    target += ["efforts", "hours", *(f"money_{currency}" for currency in EffortCurrency.values)]
    table = EffortRollup._meta.db_table
    connection = connections[router.db_for_write(EffortRollup)]
    quote = connection.ops.quote_name
    for level, period in _PERIODS.items():
        grouped = efforts.order_by().annotate(r_client=client_key())
        if period is not None:
            grouped = grouped.annotate(r_period=period)
        grouped = grouped.values(*keys, *(["r_period"] if period is not None else [])).annotate(**sums)
        sql, params = grouped.query.sql_with_params()
        source = [quote("r_period") if period is not None else "NULL"]
        source += [quote(name) for name in [*keys, *sums]]
        # Only the code's own column names are interpolated; values travel as parameters.
        statement = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in target)}) "  # noqa: S608
            f"SELECT %s, {', '.join(source)} FROM ({sql}) AS {quote('grouped')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [level, *params])


def _lock(keys: Iterable[int]) -> None:
    keys = list(keys)
    people = sorted((key - 1) // 2 for key in keys if key > 0 and key % 2)
    companies = sorted(key // 2 for key in keys if key > 0 and not key % 2)
    list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk").values_list("pk", flat=True))
    list(Company.objects.select_for_update().filter(pk__in=companies).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def recount(*, clients: Iterable[int]) -> None:
    """Write the rollup rows of these clients (keys as `client_key`) again from their efforts."""
    keys = sorted(set(clients))
    if not keys:
        return
    _lock(keys)
    EffortRollup.objects.filter(client__in=keys).delete()
    _insert(Effort.objects.filter(_clients_q(keys)))


@transaction.atomic
def rebuild() -> int:
    """Write the whole rollup again from the efforts; returns the number of rows. Readers see
    the old rows until the transaction commits. On PostgreSQL the table is locked against other
    writers first: a recount running meanwhile would otherwise add its client's rows beside the
    rows this rebuild writes for the same client (SQLite serialises writers anyway)."""
    connection = connections[router.db_for_write(EffortRollup)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(EffortRollup._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    EffortRollup.objects.all().delete()
    _insert(Effort.objects.all())
    return EffortRollup.objects.count()
