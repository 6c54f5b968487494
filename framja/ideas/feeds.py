"""The Atom feed of public ideas: the newest ideas the list page shows, with the same filters
(`?municipality=SE-2380&goal=11` ...), in the language of the address (/ideas/feed.atom is
Swedish, /en/ideas/feed.atom English). Like the list it carries only what anyone may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from framja.ideas.forms.public import PublicIdeaFilterForm
from framja.ideas.models import Idea

#: Entries in one feed document: the newest ideas.
FEED_LENGTH = 50
#: Words of the description an entry's summary carries.
SUMMARY_WORDS = 80


def _with_query(url: str, form: PublicIdeaFilterForm) -> str:
    query = getattr(form, "query", "")
    return f"{url}?{query}" if query else url


class PublicIdeasFeed(Feed):
    """Call as `feed(request, form=<a valid PublicIdeaFilterForm>)` (see views.public.feed)."""

    feed_type = Atom1Feed
    # `language` stays unset: Django then writes the request's language (from the address).

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> PublicIdeaFilterForm:
        form: PublicIdeaFilterForm = kwargs["form"]
        query = request.GET.copy()
        query.pop("page", None)
        form.query = query.urlencode()  # type: ignore[attr-defined]
        return form

    def title(self, form: PublicIdeaFilterForm) -> str:
        municipality = form.cleaned_data.get("municipality")
        if municipality is not None:
            return _("Ideas for %(municipality)s · Främja") % {"municipality": municipality.name}
        return _("Public ideas · Främja")

    def subtitle(self, form: PublicIdeaFilterForm) -> str:
        return _("Ideas submitted to the idea sluices of Swedish and Norwegian municipalities.")

    def link(self, form: PublicIdeaFilterForm) -> str:
        return _with_query(reverse("ideas-list"), form)

    def feed_url(self, form: PublicIdeaFilterForm) -> str:
        return _with_query(reverse("ideas-feed"), form)

    def author_name(self, form: PublicIdeaFilterForm) -> str:
        return _("Främja")

    def items(self, form: PublicIdeaFilterForm) -> list[Idea]:
        ideas = form.ideas().order_by("-created_at", "-pk").select_related("municipality", "stage")
        return list(ideas[:FEED_LENGTH])

    def item_title(self, item: Idea) -> str:
        return f"{item.title} ({item.municipality.name})"

    def item_description(self, item: Idea) -> str:
        """HTML (Atom's summary type="html"): the submitter's text escaped, never markup."""
        summary = Truncator(item.description).words(SUMMARY_WORDS)
        stage = format_html("<p>{}: {}</p>", _("Stage"), item.stage_label)
        return str(linebreaks(summary, autoescape=True) + stage)

    def item_link(self, item: Idea) -> str:
        return reverse("ideas-public-detail", args=[item.pk])

    def item_pubdate(self, item: Idea) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Idea) -> datetime:
        """Atom wants one; the submission date, as `updated_at` also moves with internal casework."""
        return item.created_at
