"""Forms of the public side: submitting an idea, supporting one, and the status-page actions."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from framja.ideas.models import PUBLIC_STAGE_LABELS, Audience, Idea, IdeaQuerySet, Tag
from framja.ideas.services.public import CONSENT_TEXT, validate_attachments
from framja.places import option_cache
from framja.places.forms import MunicipalityField
from framja.places.models import Country, Municipality

#: Name of the honeypot field: hidden from people, filled in by form-filling robots.
HONEYPOT = "website"


class DescribedBoundField(BoundField):
    """Ties the input to its help text and its errors (aria-describedby), marks it invalid."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}_helptext")
        if self.form.is_bound and self.errors:
            ids.append(f"{self.auto_id}_errors")
            attrs["aria-invalid"] = "true"
        if ids and self.widget_type not in {"checkboxselectmultiple", "radioselect"}:
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class AccessibleForm(forms.Form):
    bound_field_class = DescribedBoundField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `validate_attachments`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(item, initial) for item in files if item]
        if files:
            validate_attachments(files)
        return files


class TagChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Tag) -> str:
        return obj.display_name


class HoneypotMixin(AccessibleForm):
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())


class IdeaSubmitForm(HoneypotMixin):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short name for the idea, e.g. “Shared electric cargo bikes for shops”."),
    )
    description = forms.CharField(
        label=_("Describe the idea"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What is the problem or opportunity, and what do you suggest? Do not write personal data about others."
        ),
    )
    municipality = MunicipalityField(
        label=_("Municipality the idea concerns"),
        help_text=_("Any municipality in Sweden or Norway. Type in the filter box to narrow the list."),
    )
    audience = forms.ChoiceField(
        label=_("Who is it for?"), choices=[("", _("Choose (optional)")), *Audience.choices], required=False
    )
    tags = TagChoiceField(
        label=_("Categories (optional)"),
        queryset=Tag.objects.order_by("kind", "number", "name_sv"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Topics and the Agenda 2030 goals the idea contributes to."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_(
            "Up to 10 files of at most 10 MB each: PDF, PNG, JPEG, Word, Excel, PowerPoint, OpenDocument or text."
        ),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("We send the receipt and your private status link here. It is never shown publicly."),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    notify = forms.BooleanField(label=_("E-mail me when something happens to my idea"), required=False, initial=True)
    #: One per rendered form: sending the same form twice (back button, double click, a retry
    #: after a lost answer) shows the first receipt instead of storing the idea again.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_key"] = uuid.uuid4().hex
        suggest = {
            "hx-get": reverse("ideas-similar"),
            # `input`, not `keyup`: pasted, dictated or autofilled text must refresh the suggestions too.
            "hx-trigger": "input changed delay:600ms",
            "hx-target": "#similar-ideas",
            "hx-include": "#id_title, #id_description",
            # Queued, not replacing: a refresh must not abort a "support instead" in flight
            # (the cards' forms queue on the same element; _support.html). "queue all", not
            # "queue last": htmx's "last" empties the whole queue, so typing on while a refresh
            # was in flight threw a waiting click away. Refreshes come at most one per 600 ms pause.
            "hx-sync": "#similar-ideas:queue all",
        }
        self.fields["title"].widget.attrs.update(suggest)
        self.fields["description"].widget.attrs.update(suggest)
        self.signed_in = bool(user is not None and user.is_authenticated)
        if self.signed_in:
            for name in ("name", "email", "consent"):
                del self.fields[name]
        else:
            self.fields["email"].required = True
            self.fields["consent"].required = True
            self.fields["consent"].error_messages["required"] = _("Agree to how your contact details are stored.")

    @property
    def tags_cache_key(self) -> str:
        """The cache version of the category checkboxes when they show nothing of this request
        (unbound, none chosen through the address), else "" (rendered afresh)."""
        if self.is_bound or self.initial.get("tags"):
            return ""
        return str(option_cache.version("ideas-tags"))

    @property
    def fields_cache_key(self) -> str:
        """The cache version of the whole set of fields when they show nothing of this request
        (an anonymous visitor's unbound form with nothing filled in through the address), else ""
        (rendered afresh). Bumped by any change of a place or a category, as their own caches."""
        if self.is_bound or self.signed_in or set(self.initial) - {"submission_key"}:
            return ""
        places, tags = option_cache.versions("places", "ideas-tags")
        return f"{places}-{tags}"

    @property
    def sdg_tags(self) -> list[Any]:
        return [choice for choice in self["tags"] if choice.data["value"] and self._tag_kind(choice) == Tag.Kind.SDG]

    @property
    def topic_tags(self) -> list[Any]:
        return [choice for choice in self["tags"] if self._tag_kind(choice) != Tag.Kind.SDG]

    def _tag_kind(self, choice: Any) -> str:
        value = choice.data["value"]
        instance = getattr(value, "instance", None)
        return instance.kind if instance is not None else ""


class SupportForm(HoneypotMixin):
    """Supporting an idea: signed-in people need nothing; others give an e-mail address."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Counts your support once. Never shown publicly."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signed_in = bool(user is not None and user.is_authenticated)
        if not self.signed_in:
            self.fields["email"].required = True


class ResendLinksForm(HoneypotMixin):
    """ "Send me my status links again": only the address the ideas were sent under."""

    email = forms.EmailField(
        label=_("The e-mail address you gave with your idea"),
        max_length=254,
        help_text=_("We send new private links to every idea sent in under this address."),
    )


class InformationForm(AccessibleForm):
    text = forms.CharField(
        label=_("Add information"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the people working on your idea see this."),
    )


class ConfirmForm(AccessibleForm):
    confirm = forms.BooleanField(label=_("Yes, I am sure"), required=True)

    def clean_confirm(self) -> bool:
        if not self.cleaned_data.get("confirm"):
            raise ValidationError(_("Tick the box to confirm."))
        return True


#: How the public list may be sorted.
PUBLIC_SORTS = {"newest": _("Newest first"), "supported": _("Most supported first")}


class PublicIdeaFilterForm(AccessibleForm):
    """The filters of public browsing (list page, Atom feed, public API), all optional and
    combined with AND. Values are what a reader can write in an address: a municipality code
    ("SE-2380"), a country, a stage kind, a category's short name, a goal's number."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from the title or the description."),
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=20, required=False, widget=forms.Select)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Sweden and Norway")), *Country.choices], required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *PUBLIC_STAGE_LABELS.items()], required=False
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    goal = forms.ChoiceField(label=_("Agenda 2030 goal"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(PUBLIC_SORTS.items()), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags = {tag.slug: tag for tag in Tag.objects.order_by("kind", "number", "name_sv")}
        self.goals = {str(t.number): t for t in self.tags.values() if t.kind == Tag.Kind.SDG and t.number}
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *[(t.slug, t.display_name) for t in self.tags.values() if t.kind != Tag.Kind.SDG],
        ]
        self.fields["goal"].choices = [  # type: ignore[attr-defined]
            ("", _("All goals")),
            *[(number, t.display_name) for number, t in self.goals.items()],
        ]
        # Only municipalities that have public ideas are offered; any code may still be given.
        listed = Municipality.objects.filter(pk__in=Idea.objects.public().values("municipality_id")).select_related(
            "county"
        )
        self.municipality_choices = [("", _("All municipalities")), *[(m.qualified_code, m.label) for m in listed]]
        self.fields["municipality"].widget.choices = self.municipality_choices

    def clean_municipality(self) -> Municipality | None:
        code = self.cleaned_data["municipality"].strip()
        if not code:
            return None
        try:
            municipality = Municipality.objects.lookup(code)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        except Municipality.DoesNotExist:
            raise ValidationError(
                _("No Swedish or Norwegian municipality has the code %(code)s."), params={"code": code}
            ) from None
        if municipality.qualified_code not in {value for value, _label in self.municipality_choices}:
            self.municipality_choices.append((municipality.qualified_code, municipality.label))
            self.fields["municipality"].widget.choices = self.municipality_choices
        return municipality

    def clean_category(self) -> Tag | None:
        return self.tags.get(self.cleaned_data["category"])

    def clean_goal(self) -> Tag | None:
        return self.goals.get(self.cleaned_data["goal"])

    def ideas(self) -> IdeaQuerySet:
        """The public ideas these (valid) filters select, sorted; supporters annotated."""
        data = self.cleaned_data
        return Idea.objects.browse(
            municipality=data["municipality"],
            country=data["country"],
            stage=data["stage"],
            tags=[tag for tag in (data["category"], data["goal"]) if tag is not None],
            text=data["q"],
            sort=data["sort"] or "newest",
        )
