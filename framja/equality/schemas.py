"""Schemas of the equal-terms API: published cells only, a hidden value is null."""

from __future__ import annotations

from ninja import Field, Schema


class RepresentationRowOut(Schema):
    category: str = Field(description='The category code, "unknown" for not recorded, "total" for the total.')
    label: str
    clients: int | None = Field(description="Distinct clients; null when not shown (disclosure control).")
    clients_share: float | None = Field(description="Share of the total's clients, in percent.")
    efforts: int | None
    efforts_share: float | None
    reference_share: float | None = Field(description="The reference share in percent, if one is set.")
    gap_points: float | None = Field(description="Share of clients minus the reference share, percentage points.")


class MoneyOut(Schema):
    currency: str
    amount: float | None
    share: float | None


class ResourcesRowOut(Schema):
    category: str
    label: str
    hours: float | None
    hours_share: float | None
    money: list[MoneyOut] = Field(description="Each currency apart: never converted.")


class RepresentationTableOut(Schema):
    dimension: str
    label: str
    rows: list[RepresentationRowOut]


class ResourcesTableOut(Schema):
    dimension: str
    label: str
    rows: list[ResourcesRowOut]


class BreakdownCellOut(Schema):
    category: str
    clients: int | None
    clients_share: float | None
    gap_points: float | None
    change_points: float | None = Field(description="Change of the share since the previous period.")


class BreakdownColumnOut(Schema):
    value: str
    label: str
    shown: bool = Field(description="False when the column's filter would single out fewer than 5 clients.")
    cells: list[BreakdownCellOut]


class BreakdownOut(Schema):
    by: str
    dimension: str
    columns: list[BreakdownColumnOut]


class RepresentationOut(Schema):
    organisation: str
    filter: dict[str, str]
    tables: list[RepresentationTableOut]
    breakdown: BreakdownOut | None


class ResourcesOut(Schema):
    organisation: str
    filter: dict[str, str]
    tables: list[ResourcesTableOut]
