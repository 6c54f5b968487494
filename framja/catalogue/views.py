"""Pages of the catalogue: the public directory, calendar and event pages, and the organisation
staff's pages for their own offerings, events and participant lists."""

from __future__ import annotations

import calendar as pycalendar
import csv
import html
import io
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import time as time_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from framja.accounts.models import Organisation, Role
from framja.accounts.permissions import has_role, require
from framja.catalogue import ical, jsonld, matching, services
from framja.catalogue.forms import (
    CalendarFilterForm,
    ContactForm,
    DirectoryFilterForm,
    EventForm,
    OfferingForm,
    RegistrationForm,
    StartForm,
)
from framja.catalogue.models import (
    CompanyStage,
    ContactRequest,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceRow,
    Offering,
    Registration,
    RegistrationMode,
    month_bounds,
)

#: The role that keeps an organisation's offerings and events.
EDITOR_ROLE = Role.ADVISER


def _editable_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(has_role(request.user, organisation, EDITOR_ROLE))
    return organisation


def _offering_qs() -> Any:
    return Offering.objects.select_related("organisation").prefetch_related(
        "area_counties", "area_municipalities", "sni_sections", "sni_divisions"
    )


def _event_qs() -> Any:
    return Event.objects.select_related("organiser", "municipality").prefetch_related("co_organisers", "offerings")


#: Occurrences the calendar's list shows.
LIST_LENGTH = 200


# --- public -----------------------------------------------------------------------------------


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Organisations with their published offerings, filtered by area, type, stage and sector."""
    form = DirectoryFilterForm(request.GET or None)
    offerings = Offering.objects.published()
    if form.is_valid():
        data = form.cleaned_data
        if data["municipality"]:
            offerings = offerings.serving(data["municipality"])
        if data["offering_type"]:
            offerings = offerings.filter(offering_type=data["offering_type"])
        if data["stage"]:
            offerings = offerings.for_stage(data["stage"])
        if data["sector"]:
            offerings = offerings.for_sector(data["sector"])
    organisations = (
        Organisation.objects.active()
        .filter(pk__in=offerings.values("organisation_id"))
        .prefetch_related(
            Prefetch("offerings", queryset=Offering.objects.filter(pk__in=offerings.values("pk")), to_attr="listed")
        )
    )
    return render(request, "catalogue/directory.html", {"form": form, "organisations": organisations})


@require_safe
def offering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offering = get_object_or_404(_offering_qs().published(), pk=pk)
    events = _event_qs().published().upcoming().filter(offerings=offering)[:10]
    can_edit = has_role(request.user, offering.organisation, EDITOR_ROLE)
    context = {
        "offering": offering,
        "events": events,
        "can_edit": can_edit,
        "jsonld": jsonld.script(jsonld.government_service(offering, request)),
    }
    return render(request, "catalogue/offering_detail.html", context)


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.active(), slug=slug)
    offerings = _offering_qs().published().filter(organisation=organisation)
    events = _event_qs().published().upcoming().organised_by(organisation)[:20]
    context = {
        "organisation": organisation,
        "offerings": offerings,
        "events": events,
        "can_edit": has_role(request.user, organisation, EDITOR_ROLE),
        "jsonld": jsonld.script(jsonld.organization(organisation, request)),
    }
    return render(request, "catalogue/organisation_detail.html", context)


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_event_qs().published(), pk=pk)
    context = _event_context(request, event, RegistrationForm())
    return render(request, "catalogue/event_detail.html", context)


def _event_context(request: HttpRequest, event: Event, form: RegistrationForm) -> dict[str, Any]:
    now = timezone.now()
    confirmed = event.registrations.confirmed().count() if event.registration_mode == RegistrationMode.BUILT_IN else 0
    return {
        "event": event,
        "occurrences": list(event.occurrences(start=now))[:12],
        "form": form,
        "places_left": max((event.capacity or 0) - confirmed, 0),
        "can_register": event.registration_mode == RegistrationMode.BUILT_IN
        and not event.is_cancelled
        and (event.series_end is None or event.series_end >= now),
        "can_edit": has_role(request.user, event.organiser, EDITOR_ROLE),
        "jsonld": jsonld.script(jsonld.event(event, request)),
    }


@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_event_qs().published(), pk=pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration, raw = services.register(event=event, language=get_language() or "sv", **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(
                request,
                "catalogue/registration_done.html",
                {"event": event, "registration": registration, "token": raw},
            )
    return render(request, "catalogue/event_detail.html", _event_context(request, event, form), status=422)


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's private link: GET shows what will be cancelled, POST cancels."""
    registration = Registration.find_by_token(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(request, _("Your registration is cancelled."))
        return redirect(registration.event)
    return render(request, "catalogue/registration_cancel.html", {"registration": registration})


@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    """Upcoming events as a list, or a month grid; filtered by organiser, county, type and date."""
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    view = data.get("view") or "list"
    context: dict[str, Any] = {"form": form, "view": view, "query": _query_without(request, "view", "month")}
    if view == "month":
        year, month = _month(data.get("month") or "", zone)
        first, following = month_bounds(year, month, zone)
        rows = _filtered_events(data, Event.objects.all()).occurrence_rows(first, following)
        context.update(_month_grid(year, month, rows))
    else:
        events = _filtered_events(data, Event.objects.select_related("organiser"))
        start_day = data.get("start") or timezone.now().astimezone(zone).date()
        start = max(datetime.combine(start_day, datetime.min.time(), tzinfo=zone), timezone.now())
        end = start + timedelta(days=92)
        window = events.between(start, end)
        # the first LIST_LENGTH single events by time are all a full list can show of them
        shown = [*window.filter(rrule="").order_by("start", "pk")[:LIST_LENGTH], *window.exclude(rrule="")]
        context["occurrences"] = _occurrences(shown, start, end)[:LIST_LENGTH]
    return render(request, "catalogue/calendar.html", context)


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _filtered_events(data: dict[str, Any], events: Any = None) -> Any:
    """The published events the calendar's filters keep (from `events`, default: whole rows)."""
    events = (_event_qs() if events is None else events).published()
    if data.get("organisation"):
        events = events.organised_by(data["organisation"])
    if data.get("county"):
        events = events.filter(municipality__county=data["county"])
    if data.get("offering_type"):
        tagged = Event.offerings.through.objects.filter(offering__offering_type=data["offering_type"])
        events = events.filter(pk__in=tagged.values("event_id"))
    return events


def _occurrences(events: Any, start: datetime, end: datetime) -> list[Occurrence]:
    found = [occurrence for event in events for occurrence in event.occurrences(start=start, end=end)]
    return sorted(found, key=lambda o: (o.start, o.event.pk))


def _month(text: str, zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    today = timezone.now().astimezone(zone).date()
    return today.year, today.month


def _month_grid(year: int, month: int, occurrences: list[OccurrenceRow]) -> dict[str, Any]:
    by_day = _MonthLinks().by_day(occurrences)
    empty = SafeString("")
    weeks = [
        [{"day": day, "in_month": day.month == month, "events": by_day.get(day, empty)} for day in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = date(year, month, 1) - timedelta(days=1)
    following = date(year, month, 28) + timedelta(days=7)
    return {
        "weeks": weeks,
        "month_start": date(year, month, 1),
        "previous_month": f"{previous.year}-{previous.month:02d}",
        "next_month": f"{following.year}-{following.month:02d}",
        "day_names": [date(2024, 1, d) for d in range(1, 8)],  # 1 January 2024 was a Monday
    }


class _MonthLinks:
    """The links of the month grid's days, written here instead of in the template: a busy
    month holds thousands, and the template engine costs some 20 microseconds for each. The
    markup is the template's: `<a class="month-event" href="{{ event url }}">{{ start|time:
    "TIME_FORMAT" }} {{ title }}{% if cancelled %} ({% translate "cancelled" %}){% endif %}</a>`."""

    MARKER = 987654321

    def __init__(self) -> None:
        self.url = reverse("catalogue-event-detail", args=[self.MARKER]).split(str(self.MARKER))
        self.cancelled = conditional_escape(f" ({_('cancelled')})")
        self.zone = timezone.get_current_timezone()  # where the template's time filter shows times
        self.times: dict[tuple[Any, Any], str] = {}

    def time(self, local: datetime) -> str:
        """`{{ local|time:"TIME_FORMAT" }}` (`local` in the current zone), once per time of day."""
        key = (local.timetz(), local.utcoffset())
        if key not in self.times:
            self.times[key] = conditional_escape(time_filter(local, "TIME_FORMAT"))
        return self.times[key]

    def by_day(self, occurrences: list[OccurrenceRow]) -> dict[date, SafeString]:
        """The links of each day (in the event's own zone, as on the event page), in order."""
        head, tail = self.url
        cancelled = EventStatus.CANCELLED
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        # (zone, start) -> (local day, shown time): events share their starting times
        placed: dict[tuple[str, datetime], tuple[date, str]] = {}
        days: dict[date, list[str]] = {}
        for o in occurrences:
            where = placed.get((o.time_zone, o.start))
            if where is None:
                zone = zones.get(o.time_zone) or zones.setdefault(o.time_zone, zoneinfo.ZoneInfo(o.time_zone))
                local = o.start.astimezone(zone)
                shown = local if zone == self.zone else o.start.astimezone(self.zone)
                where = placed[o.time_zone, o.start] = (local.date(), self.time(shown))
            day, when = where
            days.setdefault(day, []).append(
                f'<a class="month-event" href="{head}{o.event_id}{tail}">{when} '
                f"{html.escape(o.title)}{self.cancelled if o.status == cancelled else ''}</a>"
            )
        return {day: mark_safe("".join(links)) for day, links in days.items()}  # noqa: S308 -- escaped above


# --- iCalendar ---------------------------------------------------------------------------------


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """All events (or those of one organisation, county or type) as an iCalendar feed."""
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = _filtered_events(data).filter(Q(series_end=None) | Q(series_end__gte=timezone.now() - timedelta(days=365)))
    name = data["organisation"].name if data.get("organisation") else _("Främja calendar")
    return _ics(ical.calendar(events, name=str(name)), "calendar.ics")


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_event_qs().published(), pk=pk)
    return _ics(ical.calendar([event], name=event.title), f"event-{event.pk}.ics")


# --- staff -------------------------------------------------------------------------------------


@require_safe
@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    context = {
        "organisation": organisation,
        "offerings": Offering.objects.filter(organisation=organisation),
        "events": Event.objects.filter(organiser=organisation).order_by("-start"),
    }
    return render(request, "catalogue/manage.html", context)


@require_safe
@login_required
def manage_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's events (organised or co-organised) with their registration counts."""
    organisation = _editable_organisation(request, slug)
    events = Event.objects.organised_by(organisation).with_registration_counts().order_by("-start")
    return render(request, "catalogue/manage_events.html", {"organisation": organisation, "events": events})


@require_safe
@login_required
def contact_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Needs sent to the organisation from the front door, unanswered first."""
    organisation = _editable_organisation(request, slug)
    rows = (
        ContactRequest.objects.for_organisation(organisation)
        .select_related("offering", "municipality")
        .order_by(F("answered_at").desc(nulls_first=True), "-created_at", "-pk")
    )
    return render(request, "catalogue/contact_requests.html", {"organisation": organisation, "requests": rows})


@login_required
@require_POST
def contact_request_answered(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    contact = get_object_or_404(ContactRequest, pk=pk, organisation=organisation)
    if services.contact_request_answered(contact_request=contact):
        messages.success(request, _("The contact request is marked as answered."))
    return redirect("catalogue-contact-requests", organisation.slug)


@login_required
def offering_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    offering = get_object_or_404(Offering, pk=pk, organisation=organisation) if pk else None
    form = OfferingForm(request.POST or None, instance=offering or Offering(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.offering_save(organisation=organisation, offering=offering, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The offering is saved."))
            return redirect(saved)
    return render(
        request, "catalogue/offering_form.html", {"form": form, "organisation": organisation, "offering": offering}
    )


@login_required
def event_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    event = get_object_or_404(Event, pk=pk, organiser=organisation) if pk else None
    form = EventForm(request.POST or None, instance=event or Event(organiser=organisation), organiser=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(organiser=organisation, event=event, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(saved)
    return render(request, "catalogue/event_form.html", {"form": form, "organisation": organisation, "event": event})


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    event = get_object_or_404(Event, pk=pk, organiser=organisation)
    services.event_cancel(event=event)
    messages.success(request, _("The event is cancelled and everyone registered has been told by e-mail."))
    return redirect(event)


def _participant_rows(event: Event) -> list[list[str]]:
    zone = event.zone
    return [
        [
            r.name,
            r.email,
            r.organisation_name,
            str(r.get_status_display()),
            r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in event.registrations.all()
    ]


def _participant_header() -> list[str]:
    return [_("Name"), _("E-mail"), _("Company or organisation"), _("Status"), _("Registered")]


@require_safe
@login_required
def participants(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _editable_organisation(request, slug)
    event = get_object_or_404(Event, pk=pk, organiser=organisation)
    export = request.GET.get("format", "")
    if export == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(_participant_header())
        writer.writerows(_participant_rows(event))
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="participants-{event.pk}.csv"'
        return response
    if export == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(_participant_header())
        for row in _participant_rows(event):
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="participants-{event.pk}.xlsx"'
        return response
    context = {"organisation": organisation, "event": event, "registrations": event.registrations.all()}
    return render(request, "catalogue/participants.html", context)


# --- the front door ----------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    """One free-text need, the municipality and optionally stage and sector: the offerings that
    serve it, with the reasons they matched, and upcoming events."""
    form = StartForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "matches": None}
    if form.is_valid():
        data = form.cleaned_data
        matches = matching.rank(
            need=data["need"], municipality=data["municipality"], stage=data["stage"], sector=data["sector"]
        )
        context["matches"] = matches
        context["events"] = matching.upcoming_events(matches, data["municipality"], need=data["need"])
        context["ideas"] = matching.similar_ideas(data["need"], data["municipality"])
    return render(request, "catalogue/start.html", context)


def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the need to the organisation behind one offering (name, e-mail, consent)."""
    offering = get_object_or_404(Offering.objects.active().select_related("organisation"), pk=pk)
    form = ContactForm(request.POST or None, initial={"need": request.GET.get("need", "")[:5000]})
    if request.method == "POST" and form.is_valid():
        municipality = (
            StartForm(request.GET)
            .fields["municipality"]
            .queryset.filter(  # type: ignore[attr-defined]
                pk=request.GET.get("municipality") if str(request.GET.get("municipality", "")).isdigit() else None
            )
            .first()
        )
        stage = request.GET.get("stage", "")
        try:
            sent = services.contact_request_send(
                organisation=offering.organisation,
                offering=offering,
                municipality=municipality,
                stage=stage if stage in CompanyStage.values else "",
                language=get_language() or "sv",
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "catalogue/contact_done.html", {"contact": sent, "offering": offering})
    return render(request, "catalogue/contact.html", {"form": form, "offering": offering})
