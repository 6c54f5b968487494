"""Django admin for platform staff: every model of the idea sluice.

Day-to-day casework happens on the casework pages; the admin is for support and repair.
Submitters' personal data is shown only on the idea's own page, not in lists.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from framja.ideas.models import (
    Attachment,
    Comment,
    Criterion,
    CriterionScore,
    DuplicateCandidate,
    DuplicateLink,
    Event,
    Export,
    GateDecision,
    Idea,
    Participant,
    Sluice,
    SluiceMembership,
    Stage,
    StageVisit,
    Support,
    Tag,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["position", "kind", "name", "is_final"]
    ordering = ["position"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "kind", "name", "description", "weight"]


class SluiceMembershipInline(admin.TabularInline):
    """Members of a shared sluice, as history: joining and leaving go through the services
    (pages and API), which audit them and mail the organisations."""

    model = SluiceMembership
    extra = 0
    can_delete = False
    fields = ["organisation", "status", "invited_at", "joined_at", "left_at"]
    readonly_fields = ["organisation", "status", "invited_at", "joined_at", "left_at"]

    def has_add_permission(self, request: HttpRequest, obj: Sluice | None = None) -> bool:
        return False


@admin.register(Sluice)
class SluiceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "lead_organisation", "shared", "created_at"]
    list_filter = ["shared"]
    search_fields = ["name", "slug", "lead_organisation__name"]
    autocomplete_fields = ["lead_organisation", "organisations"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StageInline, CriterionInline, SluiceMembershipInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sluice", "kind", "position", "is_final"]
    list_filter = ["kind", "is_final"]
    search_fields = ["name", "sluice__name"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sluice", "kind", "weight", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "sluice__name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_nb", "name_en", "kind", "number", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_sv", "name_nb", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_sv"]}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["visibility", "text", "author", "author_organisation", "created_at"]
    readonly_fields = ["author", "author_organisation", "created_at"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["organisation", "role", "status", "cost_share"]
    autocomplete_fields = ["organisation"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["created_at", "kind", "is_public", "actor", "text"]
    readonly_fields = ["created_at", "kind", "is_public", "actor", "text"]
    can_delete = False
    ordering = ["created_at", "id"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "municipality",
        "receiving_organisation",
        "stage",
        "created_at",
        "withdrawn_at",
    ]
    list_filter = ["stage__kind", "municipality__country", "audience", "created_at"]
    search_fields = ["reference", "title", "description"]
    list_select_related = ["municipality", "receiving_organisation", "stage"]
    autocomplete_fields = ["municipality", "receiving_organisation", "assignee", "submitter", "tags"]
    raw_id_fields = ["sluice", "stage"]
    readonly_fields = ["reference", "created_at", "updated_at", "version", "anonymised_at"]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline, CommentInline, ParticipantInline, EventInline]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["idea", "user", "created_at"]
    raw_id_fields = ["idea", "user"]


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(GateDecision)
class GateDecisionAdmin(admin.ModelAdmin):
    list_display = ["idea", "outcome", "from_stage", "to_stage", "is_public", "decided_by", "decided_at"]
    list_filter = ["outcome", "is_public"]
    list_select_related = ["idea", "from_stage", "to_stage", "decided_by"]
    raw_id_fields = ["idea", "from_stage", "to_stage", "decided_by"]
    inlines = [CriterionScoreInline]


@admin.register(StageVisit)
class StageVisitAdmin(admin.ModelAdmin):
    list_display = ["idea", "stage", "entered_at", "left_at"]
    raw_id_fields = ["idea", "stage"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["idea", "kind", "is_public", "actor", "created_at"]
    list_filter = ["kind", "is_public"]
    raw_id_fields = ["idea", "actor"]


@admin.register(DuplicateLink)
class DuplicateLinkAdmin(admin.ModelAdmin):
    list_display = ["duplicate", "original", "created_by", "created_at", "removed_at"]
    raw_id_fields = ["duplicate", "original", "created_by", "removed_by"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ["idea_a", "idea_b", "score", "judgement", "computed_at"]
    list_filter = ["judgement"]
    raw_id_fields = ["idea_a", "idea_b", "judged_by"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["idea", "organisation", "role", "status", "cost_share"]
    list_filter = ["role", "status"]
    raw_id_fields = ["idea", "invited_by"]
    autocomplete_fields = ["organisation"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Large exports (support): who asked, for what, how far it got. The file itself is only
    downloaded by its requester, on the export page."""

    list_display = ["pk", "requester", "organisation", "kind", "status", "rows_done", "rows_total", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["requester", "organisation"]
    readonly_fields = ["file", "fingerprint", "filters", "error"]
    search_fields = ["requester__username", "organisation__name"]
