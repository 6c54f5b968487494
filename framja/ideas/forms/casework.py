"""Forms of the casework pages: inbox filters, editing, assignment, notes, gate decisions,
duplicates, co-development and the sluice configuration."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation, User
from framja.ideas.models import (
    Audience,
    Criterion,
    Currency,
    GateDecision,
    Idea,
    IdeaQuerySet,
    Participant,
    Sluice,
    SluiceMembership,
    Stage,
    Tag,
)
from framja.ideas.services import casework
from framja.places.models import Municipality


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field if the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


class DescribedErrorsMixin:
    """Tie each field's error list to its input (aria-describedby) and mark it aria-invalid."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                field = self.fields[name]  # type: ignore[attr-defined]
                attrs = field.widget.attrs
                attrs["aria-invalid"] = "true"
                auto_id = self[name].auto_id  # type: ignore[index]
                ids = [f"{auto_id}-errors"]
                if field.help_text:
                    ids.append(f"{auto_id}_helptext")  # Django's own id for the help text
                attrs["aria-describedby"] = " ".join(ids)


SORT_LABELS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "updated": _("Recently changed"),
    "stage": _("Stage"),
    "municipality": _("Municipality"),
    "title": _("Title"),
}


class InboxFilterForm(forms.Form):
    """The inbox's filters; all optional, combined with AND."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False, empty_label=_("All")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, empty_label=_("All")
    )
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False, empty_label=_("All"))
    assignee = forms.ChoiceField(label=_("Responsible"), required=False)
    age = forms.ChoiceField(
        label=_("Submitted"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("7", _("More than 7 days ago")),
            ("30", _("More than 30 days ago")),
            ("90", _("More than 90 days ago")),
        ],
    )
    withdrawn = forms.BooleanField(label=_("Include withdrawn ideas"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args: Any, organisation: Organisation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["stage"].queryset = (  # type: ignore[attr-defined]
            Stage.objects.filter(Q(sluice__lead_organisation=organisation) | Q(sluice__organisations=organisation))
            .select_related("sluice")
            .distinct()
            .order_by("sluice__name", "position")
        )
        self.fields["stage"].label_from_instance = lambda s: f"{s.label} ({s.sluice.name})"  # type: ignore[attr-defined]
        inbox = Idea.objects.for_organisation(organisation)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            pk__in=inbox.order_by().values("municipality_id")
        )
        people = casework.caseworkers_of(organisation.pk)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            ("none", _("Nobody (unassigned)")),
            ("me", _("Me")),
            *[(str(u.pk), str(u)) for u in people],
        ]

    def params(self) -> dict[str, Any]:
        """The valid filters as JSON-ready values (ids, not objects): what the export job gets to
        rebuild the same list (`IdeaQuerySet.inbox_filtered`); invalid values are left out."""
        data = self.cleaned_data if self.is_valid() else {}

        def pk(value: Any) -> Any:
            return value.pk if value is not None else None

        return {
            "stage": pk(data.get("stage")),
            "municipality": pk(data.get("municipality")),
            "tag": pk(data.get("tag")),
            "assignee": data.get("assignee") or "",
            "older_than_days": int(data["age"]) if data.get("age") else None,
            "text": data.get("q") or "",
            "include_withdrawn": bool(data.get("withdrawn")),
            "sort": data.get("sort") or "newest",
        }

    def apply(self, ideas: IdeaQuerySet) -> IdeaQuerySet:
        """The filtered ideas; invalid filter values are ignored (the form shows them)."""
        return ideas.inbox_filtered(user=self.user, **self.params())


class MonthField(forms.CharField):
    """A calendar month written YYYY-MM (what <input type="month"> sends), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01", "pattern": r"\d{4}-\d{2}"})
    default_error_messages = {"invalid": _("Enter a month as year and month, for example 2026-01.")}

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 7:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class DashboardPeriodForm(DescribedErrorsMixin, forms.Form):
    """The dashboard's period: from and to months, both optional (GET ?from=2026-01&to=2026-06)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added by name here.
        self.fields["from"] = MonthField(label=_("From month"), required=False)
        self.fields["to"] = MonthField(label=_("To month"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The last month must not come before the first."))
        for name in ("from", "to"):
            month = data.get(name)
            if month and not (date(1990, 1, 1) <= month <= date(2100, 12, 1)):
                self.add_error(name, _("Enter a month between 1990 and 2100."))
        return data


class IdeaEditForm(DescribedErrorsMixin, forms.Form):
    """Casework edit of the idea's text; `version` is what the editor saw (optimistic locking)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 10}))
    audience = forms.ChoiceField(label=_("Who it is for"), choices=[("", "—"), *Audience.choices], required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_idea(cls, idea: Idea) -> IdeaEditForm:
        return cls(
            initial={
                "title": idea.title,
                "description": idea.description,
                "audience": idea.audience,
                "tags": list(idea.tags.all()),
                "version": idea.version,
            }
        )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = casework.caseworker_queryset(idea.receiving_organisation_id)  # type: ignore[attr-defined]
        self.fields["assignee"].initial = idea.assignee_id


class CommentForm(DescribedErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Text"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))


SCORE_CHOICES = [("", _("Not scored")), *[(str(i), str(i)) for i in range(1, 6)]]


class GateDecisionForm(DescribedErrorsMixin, forms.Form):
    """Go / Kill / Hold / Recycle with rationale, optional 1–5 scores per criterion."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    to_stage = forms.ModelChoiceField(
        label=_("Back to stage (Recycle)"), queryset=Stage.objects.none(), required=False, empty_label="—"
    )
    rationale = forms.CharField(label=_("Rationale"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    is_public = forms.BooleanField(
        label=_("Public decision (shown on the idea's page and mailed to the submitter)"), required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("version", idea.version)
        super().__init__(*args, **kwargs)
        self.idea = idea
        labels = dict(GateDecision.Outcome.choices)
        # The sluice's stages in one query, for the outcomes, the Recycle targets and their choices.
        stages = list(Stage.objects.filter(sluice_id=idea.stage.sluice_id).order_by("position")) if idea.stage else []
        outcomes = idea.stage.allowed_outcomes(stages) if idea.stage else []
        self.fields["outcome"].choices = [(o, labels[o]) for o in outcomes]  # type: ignore[attr-defined]
        #: Where a Recycle may go back to (the template shows the choice only if there is one).
        self.recycle_stages = idea.stage.recycle_targets(stages) if idea.stage else []
        to_stage = self.fields["to_stage"]
        to_stage.queryset = Stage.objects.filter(pk__in=[s.pk for s in self.recycle_stages])  # type: ignore[attr-defined]
        to_stage.choices = [("", to_stage.empty_label), *((s.pk, str(s)) for s in self.recycle_stages)]  # type: ignore[attr-defined]
        self.criteria = list(Criterion.objects.filter(sluice_id=idea.sluice_id)) if idea.sluice_id else []
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.help_text,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{c.pk}"] for c in self.criteria]

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


class DuplicateSearchForm(forms.Form):
    dq = forms.CharField(label=_("Find the original idea (title, words or reference)"), required=False, max_length=200)


class DuplicateLinkForm(forms.Form):
    original = forms.ModelChoiceField(queryset=Idea.objects.public(), widget=forms.HiddenInput)


class InviteForm(DescribedErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = (
            Participant.objects.filter(idea=idea).exclude(status=Participant.Status.DECLINED).values("organisation_id")
        )
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.active()
            .verified()  # an unverified name such as "Region X" is not offered as a partner
            .exclude(pk=idea.receiving_organisation_id or 0)
            .exclude(pk__in=taken)
            .order_by("name")
        )


class CostSplitForm(DescribedErrorsMixin, forms.Form):
    """Roles and cost shares of every co-developing organisation, plus budget and currency."""

    budget = forms.DecimalField(
        label=_("Development budget"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    lead = forms.ChoiceField(label=_("Lead organisation"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, idea: Idea, participants: Iterable[Participant], **kwargs: Any) -> None:
        self.participants = list(participants)
        self.share_errors: list[str] = []
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("budget", idea.budget)
        initial.setdefault("currency", idea.currency)
        lead = next((p for p in self.participants if p.role == Participant.Role.LEAD), None)
        if lead is not None:
            initial.setdefault("lead", str(lead.pk))
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [(str(p.pk), p.organisation.name) for p in self.participants]  # type: ignore[attr-defined]
        for p in self.participants:
            self.fields[f"share_{p.pk}"] = forms.DecimalField(
                label=_("Share for %(organisation)s (%%)") % {"organisation": p.organisation.name},
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=p.cost_share,
            )

    def share_fields(self) -> list[tuple[Participant, forms.BoundField]]:
        return [(p, self[f"share_{p.pk}"]) for p in self.participants]

    #: The id of the shares' error list, which every share input points to when the split is refused.
    SHARE_ERRORS_ID = "shares-errors"

    def apply_errors(self, exc: ValidationError) -> None:
        """The service's errors; those about the split as a whole ("shares") go beside the share
        inputs, which are marked invalid and point to them, instead of at the top of the form."""
        errors = dict(getattr(exc, "error_dict", {}))
        self.share_errors = [message for error in errors.pop("shares", []) for message in error.messages]
        if self.share_errors:
            for _participant, bound in self.share_fields():
                attrs = bound.field.widget.attrs
                attrs["aria-invalid"] = "true"
                described = attrs.get("aria-describedby", "").split()
                attrs["aria-describedby"] = " ".join([*described, self.SHARE_ERRORS_ID])
        if errors or not hasattr(exc, "error_dict"):
            apply_errors(self, ValidationError(errors) if errors else exc)

    def shares(self) -> list[casework.Share]:
        lead = self.cleaned_data.get("lead")
        return [
            casework.Share(
                participant_id=p.pk,
                role=Participant.Role.LEAD if str(p.pk) == lead else Participant.Role.PARTNER,
                cost_share=self.cleaned_data[f"share_{p.pk}"],
            )
            for p in self.participants
        ]


class SharedSluiceForm(DescribedErrorsMixin, forms.Form):
    """A new shared sluice: its name and which of the person's organisations leads it."""

    organisation = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name of the shared sluice"), max_length=200)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SluiceInviteForm(DescribedErrorsMixin, forms.Form):
    """Invite a verified, active organisation that is not a member or invited yet."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, sluice: Sluice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = SluiceMembership.objects.open().filter(sluice=sluice).values("organisation_id")
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.active()
            .verified()
            .exclude(pk=sluice.lead_organisation_id)
            .exclude(pk__in=taken)
            .order_by("name")
        )


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class JudgeForm(forms.Form):
    judgement = forms.ChoiceField(choices=[("same", _("Same idea")), ("different", _("Different ideas"))])


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "position", "is_final"]
        labels = {"name": _("Name (custom stages)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = True
        if self.instance.pk and self.instance.kind != Stage.Kind.CUSTOM:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Standard stage: its name is translated automatically.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        is_new_or_custom = not self.instance.pk or self.instance.kind == Stage.Kind.CUSTOM
        if is_new_or_custom and self.has_changed() and not (data.get("name") or "").strip():
            self.add_error("name", _("Name the stage."))
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "position"]
        labels = {"name": _("Name (custom criteria)")}
        widgets = {"description": forms.TextInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind != Criterion.Kind.CUSTOM:
            # Shown in the reader's language, and kept as they are (the service ignores them).
            self.initial.update(name=self.instance.label, description=self.instance.help_text)
            self.fields["name"].disabled = self.fields["description"].disabled = True
            self.fields["name"].help_text = _(
                "Standard criterion: its name and description are translated automatically."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        is_new_or_custom = not self.instance.pk or self.instance.kind == Criterion.Kind.CUSTOM
        if is_new_or_custom and self.has_changed() and not data.get("DELETE") and not (data.get("name") or "").strip():
            self.add_error("name", _("Name the criterion."))
        return data


class BaseStageFormSet(forms.BaseModelFormSet):
    """The stage list; what may be removed is the service's rule (`casework.configure_sluice`)."""

    def clean(self) -> None:
        super().clean()
        positions = [row.position for row in self.changes() if not row.delete]
        if len(positions) != len(set(positions)):
            raise ValidationError(_("Two stages have the same position; give each a different number."))

    def changes(self) -> list[casework.StageChange]:
        """The valid rows as plain data: filled-in new rows, and every existing stage."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or (not form.instance.pk and (data.get("DELETE") or not form.has_changed())):
                continue
            rows.append(
                casework.StageChange(
                    pk=form.instance.pk,
                    name=data.get("name") or "",
                    position=data.get("position") or 0,
                    is_final=bool(data.get("is_final")),
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows


class BaseCriterionFormSet(forms.BaseModelFormSet):
    def changes(self) -> list[casework.CriterionChange]:
        """Changed, new and removed criteria as plain data (unchanged ones are left as they are)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or not (data.get("DELETE") or form.has_changed()):
                continue
            if not form.instance.pk and data.get("DELETE"):
                continue
            rows.append(
                casework.CriterionChange(
                    pk=form.instance.pk,
                    name=data.get("name") or "",
                    description=data.get("description") or "",
                    weight=data.get("weight") or 1,
                    position=data.get("position") or 0,
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows


StageFormSet = forms.modelformset_factory(Stage, form=StageForm, formset=BaseStageFormSet, extra=1, can_delete=True)
CriterionFormSet = forms.modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


def stage_formset(sluice: Sluice, data: Any = None) -> Any:
    return StageFormSet(data, queryset=sluice.stages.order_by("position"), prefix="stages")


def criterion_formset(sluice: Sluice, data: Any = None) -> Any:
    return CriterionFormSet(data, queryset=sluice.criteria.order_by("position", "name"), prefix="criteria")
