"""Casework writes: editing with optimistic locking, assignment, notes and answers, gate
decisions, duplicate links, co-development and the background duplicate-candidate refresh.

Every function here is keyword-only and atomic; mail is queued in the same transaction
(framja.notifications) and sent after commit, outside the request.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Membership, Organisation, User
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES, has_any_role, memberships_of
from framja.audit import registry as audit
from framja.ideas import matching, tasks
from framja.ideas.models import (
    Audience,
    Comment,
    Criterion,
    CriterionScore,
    Currency,
    DuplicateCandidate,
    DuplicateLink,
    Event,
    Export,
    GateDecision,
    Idea,
    Participant,
    Sluice,
    Stage,
    StageVisit,
    Tag,
)
from framja.ideas.services import exports, public, supporters
from framja.jobs.services import enqueue
from framja.notifications.services import queue_email

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- access


@dataclass(frozen=True)
class Access:
    """What a casework user may see and do with one idea: the one place pages and API ask.

    The receiving side (the receiving organisation's caseworkers, coordinators of a region
    serving the municipality, staff) works the idea fully. A co-developing partner
    (`is_partner`) works it without personal data and without speaking for it: see
    docs/partner-privacy.md. What partners read of notes, events, decisions and attachments is
    filtered by the `seen_in_casework_by(user)` querysets in models.py."""

    can_work: bool  # open the casework page, read the co-development, write notes
    can_decide: bool  # gate decisions, duplicates, co-development invitations, cost split
    is_partner: bool = False  # works the idea only through a co-developing organisation

    @property
    def receiving_side(self) -> bool:
        return self.can_work and not self.is_partner

    @property
    def sees_personal_data(self) -> bool:
        """The submitter (name, e-mail, consent), attachments, internal notes of the receiving
        side, the responsible person, actors in the timeline and internal decisions."""
        return self.receiving_side

    @property
    def can_edit(self) -> bool:
        """Change the idea's title, description, audience and tags (what the public reads)."""
        return self.receiving_side

    @property
    def can_assign(self) -> bool:
        return self.receiving_side

    @property
    def can_answer(self) -> bool:
        """Publish a public answer (mailed to the submitter): only the receiving side speaks."""
        return self.receiving_side

    @property
    def sees_cost_split(self) -> bool:
        """Every participant reads the roles, shares and budget; only deciders change them."""
        return self.can_work


def access_for(user: Any, idea: Idea, *, workable: bool = False) -> Access:
    """The one rule for casework rights on an idea (workable_by decides who sees it at all).
    `workable=True`: the caller fetched the idea through `workable_by(user)`, so that check is
    skipped; an idea annotated by `with_full_casework(user)` saves the receiving-side query."""
    if user is None or not user.is_authenticated:
        return Access(False, False)
    if user.is_staff:
        return Access(True, True)
    can_work = workable or Idea.objects.workable_by(user).filter(pk=idea.pk).exists()
    if not can_work:
        return Access(False, False)
    full = getattr(idea, "full_casework", None)
    if full is None:
        full = Idea.objects.fully_workable_by(user).filter(pk=idea.pk).exists()
    deciding = Membership.objects.filter(user=user, role__in=DECIDING_ROLES)
    if not full:
        # In a shared sluice's process the lead's coordinators run the gates for every member
        # (docs/shared-sluices.md); like any partner they see no personal data.
        leads = (
            idea.shared_at is not None
            and idea.sluice_id is not None
            and deciding.filter(
                organisation__led_sluices=idea.sluice_id, organisation__led_sluices__shared=True
            ).exists()
        )
        return Access(True, leads, is_partner=True)
    can_decide = deciding.filter(
        Q(organisation_id=idea.receiving_organisation_id)
        | Q(organisation__verified_kind=Organisation.Kind.REGION, organisation__verified_serves=idea.municipality_id)
    ).exists()
    return Access(True, can_decide)


def casework_organisations(user: Any) -> list[Organisation]:
    """Organisations whose inbox the user works (staff: every active organisation)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Organisation.objects.active())
    # From the request's cached memberships (the menu reads the same ones): no query of its own.
    return [m.organisation for m in memberships_of(user) if m.role in CASEWORK_ROLES]


def region_organisations(user: Any) -> list[Organisation]:
    """Verified region organisations the user coordinates (admin or coordinator)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Organisation.objects.verified_as(Organisation.Kind.REGION))
    return [
        m.organisation
        for m in memberships_of(user)
        if m.role in DECIDING_ROLES and m.organisation.verified_kind == Organisation.Kind.REGION
    ]


def caseworker_queryset(organisation_id: int | None) -> QuerySet[User]:
    """Members with casework roles, unevaluated: a form's choices cost one query, not two."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role__in=CASEWORK_ROLES,
    ).order_by("first_name", "last_name", "username")


def caseworkers_of(organisation_id: int | None) -> list[User]:
    """Members with casework roles: the people an idea can be assigned to."""
    return list(caseworker_queryset(organisation_id))


# --------------------------------------------------------------------------- mail


def _absolute(url_name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(url_name, args=args)


def _mail_submitter(idea: Idea, subject: Promise, message: Promise, params: dict[str, Any], extra: str = "") -> None:
    """Tell the submitter about a public change, in the language they wrote in. `subject` and
    `message` are lazy translations (message formatted with `params`, whose lazy values are
    translated too); the submission side's `notify_submitter` applies consent and anonymisation."""
    if idea.withdrawn_at is not None:
        return
    language = idea.language or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            link = public.public_url(idea, language=language)
        except NoReverseMatch:
            link = ""
        intro = gettext("News about your idea %(reference)s “%(title)s”:") % {
            "reference": idea.reference,
            "title": idea.title,
        }
        text = str(message) % {key: str(value) for key, value in params.items()}
        body = "\n\n".join(part for part in [intro, text, extra, link] if part)
        public.notify_submitter(idea, subject=f"{idea.reference}: {subject}", body=body)


def _mail_users(
    users: Iterable[User], subject: Promise, body: Promise, params: dict[str, Any], url_name: str, *args: Any
) -> None:
    """Mail each user in their own language, with a link to `url_name` in that language."""
    for user in users:
        if not user.email:
            continue
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            text = str(body) % {key: str(value) for key, value in params.items()}
            queue_email(
                to=user.email, subject=str(subject), body=f"{text}\n\n{_absolute(url_name, *args)}", language=language
            )


class _StageLabel:
    """A stage's label, translated when formatted (inside the recipient's language)."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage

    def __str__(self) -> str:
        return self.stage.label


def _coordinators_of(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__organisation_id=organisation_id, memberships__role__in=DECIDING_ROLES
        )
    )


def _index_changed(idea_id: int) -> None:
    """Writes through QuerySet.update() send no signals: tell the similarity index ourselves."""
    matching.record_change(idea_id)


def _lock(*idea_ids: int) -> None:
    """Serialise writers on these ideas (row locks on PostgreSQL; SQLite locks the database)."""
    list(Idea.objects.select_for_update().filter(pk__in=idea_ids).order_by("pk").values_list("pk", flat=True))


def _event(idea: Idea, kind: str, *, by: User | None, public: bool, text: str = "", **data: Any) -> Event:
    return Event.objects.create(idea=idea, kind=kind, is_public=public, actor=by if by else None, text=text, data=data)


# --------------------------------------------------------------------------- editing


class EditConflictError(Exception):
    """Someone else saved the idea after the form was opened. Carries the current idea."""

    def __init__(self, current: Idea) -> None:
        super().__init__(f"idea {current.pk} is at version {current.version}")
        self.current = current


def edit_idea(
    *,
    idea: Idea,
    version: int,
    by: User | None,
    title: str,
    description: str,
    audience: str = "",
    tags: Iterable[Tag] | None = None,
) -> Idea:
    """Save the casework edit only if nobody saved since `version` was read; else EditConflictError."""
    title, description = title.strip(), description.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [gettext("Give the idea a title.")]
    elif len(title) > 200:
        errors["title"] = [gettext("At most 200 characters.")]
    if not description:
        errors["description"] = [gettext("Describe the idea.")]
    if audience and audience not in Audience.values:
        errors["audience"] = [gettext("Choose one of the listed groups.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = Idea.objects.get(pk=idea.pk)
        updated = Idea.objects.filter(pk=idea.pk, version=version).update(
            title=title,
            description=description,
            audience=audience,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise EditConflictError(Idea.objects.select_related("stage", "municipality").get(pk=idea.pk))
        idea = Idea.objects.get(pk=idea.pk)
        changes = {
            name: [getattr(before, name), getattr(idea, name)]
            for name in ("title", "description", "audience")
            if getattr(before, name) != getattr(idea, name)
        }
        if tags is not None:
            new_ids = {t.pk for t in tags}
            old_ids = set(before.tags.values_list("pk", flat=True))
            if new_ids != old_ids:
                idea.tags.set(new_ids)
        if changes:
            audit.record(idea, "update", changes)
            _event(idea, Event.Kind.EDITED, by=by, public=False, fields=sorted(changes))
            _index_changed(idea.pk)
    return idea


# --------------------------------------------------------------------------- assignment, notes, answers


def assign(*, idea: Idea, assignee: User | None, by: User | None) -> Idea:
    """Make `assignee` responsible (None: nobody); they are told by e-mail."""
    if assignee is not None and not has_any_role(assignee, idea.receiving_organisation_id or 0, CASEWORK_ROLES):
        raise ValidationError({"assignee": [gettext("Choose a coordinator or adviser of the receiving organisation.")]})
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        if idea.assignee_id == (assignee.pk if assignee else None):
            return idea
        idea.assignee = assignee
        idea.save(update_fields=["assignee", "updated_at"])
        _event(
            idea,
            Event.Kind.ASSIGNED,
            by=by,
            public=False,
            text=str(assignee) if assignee else "",
            assignee=assignee.pk if assignee else None,
        )
        if assignee is not None and assignee != by:
            _mail_users(
                [assignee],
                _("You are responsible for an idea"),
                _("%(who)s made you responsible for %(reference)s “%(title)s”."),
                {"who": by or _("Someone"), "reference": idea.reference, "title": idea.title},
                "ideas-casework-detail",
                idea.pk,
            )
    return idea


def _organisation_of(user: Any, idea: Idea) -> int | None:
    """Which of the author's organisations speaks: the receiving one, else a participant."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    ids = set(Membership.objects.filter(user=user, role__in=CASEWORK_ROLES).values_list("organisation_id", flat=True))
    if idea.receiving_organisation_id in ids:
        return idea.receiving_organisation_id
    participant = idea.participants.filter(organisation_id__in=ids).values_list("organisation_id", flat=True).first()
    return participant or (min(ids) if ids else None)


def add_note(*, idea: Idea, text: str, by: User | None) -> Comment:
    """An internal note: seen only by caseworkers, never by the submitter or public."""
    return _comment(idea=idea, text=text, by=by, visibility=Comment.Visibility.INTERNAL)


def add_answer(*, idea: Idea, text: str, by: User | None) -> Comment:
    """A public answer: on the public page and status page, mailed to the submitter (if consented)."""
    return _comment(idea=idea, text=text, by=by, visibility=Comment.Visibility.PUBLIC)


def _comment(*, idea: Idea, text: str, by: User | None, visibility: str) -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": [gettext("Write something first.")]})
    if len(text) > 10_000:
        raise ValidationError({"text": [gettext("At most 10,000 characters.")]})
    public = visibility == Comment.Visibility.PUBLIC
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea, visibility=visibility, author=by, author_organisation_id=_organisation_of(by, idea), text=text
        )
        _event(
            idea,
            Event.Kind.ANSWERED if public else Event.Kind.NOTE,
            by=by,
            public=public,
            text=text,
            comment=comment.pk,
        )
        if public:
            _mail_submitter(
                idea,
                _("a new answer"),
                _("%(organisation)s answered:"),
                {"organisation": idea.receiving_organisation or _("The municipality")},
                extra=text,
            )
    return comment


# --------------------------------------------------------------------------- gate decisions


def gate_decide(
    *,
    idea: Idea,
    outcome: str,
    rationale: str,
    by: User | None,
    scores: Mapping[int, int | None] | None = None,
    to_stage: Stage | None = None,
    is_public: bool = True,
    version: int | None = None,
) -> GateDecision:
    """Take a gate decision: Go (next stage), Kill (Closed), Hold (stay), Recycle (back to
    `to_stage`). Records the decision, its criterion scores, the stage visit and the timeline;
    tells the submitter about public decisions. `version` (from the form) refuses a decision on
    an idea that moved meanwhile, so two coordinators cannot push it two stages at once."""
    rationale = (rationale or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in GateDecision.Outcome.values:
        errors["outcome"] = [gettext("Choose Go, Kill, Hold or Recycle.")]
    if not rationale:
        errors["rationale"] = [gettext("Give the reasons for the decision.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("stage", "sluice").get(pk=idea.pk)
        if version is not None and idea.version != version:
            raise EditConflictError(idea)
        current = idea.stage
        if idea.withdrawn_at is not None:
            raise ValidationError({"outcome": [gettext("The idea has been withdrawn by its submitter.")]})
        if current is None or idea.sluice_id is None:
            raise ValidationError({"outcome": [gettext("The idea is not in a sluice, so there is no gate to decide.")]})
        if outcome not in current.allowed_outcomes():
            message = gettext("“%(outcome)s” is not possible from the stage %(stage)s.") % {
                "outcome": GateDecision.Outcome(outcome).label,
                "stage": current.label,
            }
            # A 422, not a 409: this operation's 409 is the stale-version answer with the current idea.
            raise ValidationError({"outcome": [message]})
        target = _target_stage(current, outcome, to_stage)
        criteria = {c.pk: c for c in Criterion.objects.filter(sluice_id=idea.sluice_id)}
        clean_scores = _clean_scores(scores or {}, criteria)

        now = timezone.now()
        decision = GateDecision.objects.create(
            idea=idea,
            outcome=outcome,
            from_stage=current,
            to_stage=target,
            rationale=rationale,
            is_public=is_public,
            decided_by=by if by else None,
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(decision=decision, criterion=criteria[cid], score=value)
            for cid, value in clean_scores.items()
        )
        fields: dict[str, Any] = {"version": F("version") + 1, "updated_at": now}
        if target.pk != current.pk:
            fields.update(stage=target, stage_entered_at=now)
            StageVisit.objects.filter(idea=idea, left_at=None).update(left_at=now)
            StageVisit.objects.create(idea=idea, stage=target, entered_at=now)
        Idea.objects.filter(pk=idea.pk).update(**fields)
        if target.pk != current.pk:
            audit.record(idea, "update", {"stage": [current.pk, target.pk]})
        _event(
            idea,
            Event.Kind.DECISION,
            by=by,
            public=is_public,
            text=rationale,
            decision=decision.pk,
            outcome=outcome,
            from_stage=current.label,
            to_stage=target.label,
            from_kind=current.kind,
            to_kind=target.kind,
        )
        _index_changed(idea.pk)
        if is_public:
            _mail_submitter(
                idea,
                _("a decision"),
                _("Decision: %(outcome)s. The idea is now in the stage %(stage)s."),
                {"outcome": GateDecision.Outcome(outcome).label, "stage": _StageLabel(target)},
                extra=rationale,
            )
    return decision


def _target_stage(current: Stage, outcome: str, to_stage: Stage | None) -> Stage:
    if outcome == GateDecision.Outcome.GO:
        target = current.next_stage()
    elif outcome == GateDecision.Outcome.KILL:
        target = current.closed_stage()
        if target is None:
            raise ValidationError({"outcome": [gettext("This sluice has no Closed stage.")]})
    elif outcome == GateDecision.Outcome.HOLD:
        target = current
    else:
        if to_stage is None:
            raise ValidationError({"to_stage": [gettext("Choose the stage the idea goes back to.")]})
        if to_stage.pk not in {s.pk for s in current.recycle_targets()}:
            raise ValidationError({"to_stage": [gettext("Choose an earlier stage of the same sluice.")]})
        target = to_stage
    if target is None:
        raise ValidationError({"outcome": [gettext("There is no next stage.")]})
    return target


def _clean_scores(scores: Mapping[int, int | None], criteria: Mapping[int, Criterion]) -> dict[int, int]:
    clean: dict[int, int] = {}
    errors: list[str] = []
    for raw_id, value in scores.items():
        if value in (None, ""):
            continue
        try:
            cid, score = int(raw_id), int(value)
        except (TypeError, ValueError):
            errors.append(gettext("Scores are whole numbers from 1 to 5."))
            continue
        if cid not in criteria:
            errors.append(gettext("Score only the criteria of this sluice."))
        elif not 1 <= score <= 5:
            errors.append(gettext("Give “%(criterion)s” a score from 1 to 5.") % {"criterion": criteria[cid].label})
        else:
            clean[cid] = score
    if errors:
        raise ValidationError({"scores": errors})
    return clean


# --------------------------------------------------------------------------- duplicates


def active_original(idea: Idea) -> DuplicateLink | None:
    return (
        DuplicateLink.objects.filter(duplicate=idea, removed_at=None).select_related("original__municipality").first()
    )


def link_duplicate(*, duplicate: Idea, original: Idea, by: User | None) -> DuplicateLink:
    """Mark `duplicate` as the same idea as `original` (in any municipality). Reversible."""
    if duplicate.pk == original.pk:
        raise ValidationError({"original": [gettext("An idea cannot be a duplicate of itself.")]})
    if original.withdrawn_at is not None:
        raise ValidationError({"original": [gettext("That idea has been withdrawn.")]})
    with transaction.atomic():
        _lock(duplicate.pk, original.pk)
        if DuplicateLink.objects.filter(duplicate=duplicate, removed_at=None).exists():
            raise ValidationError(
                {"original": [gettext("This idea is already linked to an original; unlink it first.")]}
            )
        root = original
        seen = {duplicate.pk}
        while link := DuplicateLink.objects.filter(duplicate=root, removed_at=None).select_related("original").first():
            if link.original_id in seen:
                raise ValidationError({"original": [gettext("That would make a circle of duplicates.")]})
            seen.add(root.pk)
            root = link.original
        if root.pk == duplicate.pk:
            raise ValidationError({"original": [gettext("That would make a circle of duplicates.")]})
        link = DuplicateLink.objects.create(duplicate=duplicate, original=root, created_by=by if by else None)
        # Ideas that pointed at the duplicate now point at the group's original.
        DuplicateLink.objects.filter(original=duplicate, removed_at=None).update(original=root)
        supporters.recount([duplicate.pk, root.pk])  # the moved links sent no signal
        place = f"{root.reference} ({root.municipality})"
        _event(duplicate, Event.Kind.DUPLICATE_LINKED, by=by, public=True, text=place, original=root.pk)
        _event(
            root,
            Event.Kind.DUPLICATE_LINKED,
            by=by,
            public=True,
            text=f"{duplicate.reference} ({duplicate.municipality})",
            duplicate=duplicate.pk,
        )
        DuplicateCandidate.objects.filter(
            idea_a_id=min(duplicate.pk, root.pk), idea_b_id=max(duplicate.pk, root.pk)
        ).update(
            judgement=DuplicateCandidate.Judgement.DUPLICATE, judged_by=by if by else None, judged_at=timezone.now()
        )
        _index_changed(duplicate.pk)
        _mail_submitter(
            duplicate,
            _("the same idea exists"),
            _("Your idea is the same as %(place)s; they are now handled together and supporters count once."),
            {"place": place},
        )
    return link


def unlink_duplicate(*, duplicate: Idea, by: User | None) -> DuplicateLink:
    """Undo a duplicate link (kept as history with who and when)."""
    with transaction.atomic():
        link = DuplicateLink.objects.select_for_update().filter(duplicate=duplicate, removed_at=None).first()
        if link is None:
            raise ValidationError(gettext("This idea is not marked as a duplicate."), code="conflict")
        link.removed_at = timezone.now()
        link.removed_by = by if by else None
        link.save(update_fields=["removed_at", "removed_by"])
        original = link.original
        _event(
            duplicate, Event.Kind.DUPLICATE_UNLINKED, by=by, public=True, text=original.reference, original=original.pk
        )
        _event(
            original,
            Event.Kind.DUPLICATE_UNLINKED,
            by=by,
            public=True,
            text=duplicate.reference,
            duplicate=duplicate.pk,
        )
        _index_changed(duplicate.pk)
    return link


def duplicate_group(idea: Idea) -> list[Idea]:
    """The idea, its original and every active duplicate of that original (original first)."""
    link = DuplicateLink.objects.filter(duplicate=idea, removed_at=None).first()
    root_id = link.original_id if link else idea.pk
    ids = [
        root_id,
        *DuplicateLink.objects.filter(original_id=root_id, removed_at=None).values_list("duplicate_id", flat=True),
    ]
    ideas = {i.pk: i for i in Idea.objects.filter(pk__in=ids).select_related("municipality", "stage")}
    return [ideas[i] for i in ids if i in ideas]


def judge_candidate(
    *, candidate: DuplicateCandidate, same: bool, by: User | None, duplicate: Idea | None = None
) -> DuplicateCandidate:
    """A region coordinator's judgement of a candidate pair. "Same idea" links the newer one
    (or `duplicate`, if given) to the other."""
    with transaction.atomic():
        candidate = (
            DuplicateCandidate.objects.select_for_update(of=("self",))
            .select_related("idea_a", "idea_b")
            .get(pk=candidate.pk)
        )
        if same:
            a, b = candidate.idea_a, candidate.idea_b
            if duplicate is None:
                duplicate = a if a.created_at > b.created_at else b
            original = b if duplicate.pk == a.pk else a
            link_duplicate(duplicate=duplicate, original=original, by=by)
            candidate.refresh_from_db()
        candidate.judgement = DuplicateCandidate.Judgement.DUPLICATE if same else DuplicateCandidate.Judgement.DISTINCT
        candidate.judged_by = by if by else None
        candidate.judged_at = timezone.now()
        candidate.save(update_fields=["judgement", "judged_by", "judged_at"])
    return candidate


# --------------------------------------------------------------------------- co-development


def _ensure_lead(idea: Idea, by: User | None) -> None:
    """The receiving organisation leads by default (and pays everything until shares change)."""
    if idea.receiving_organisation_id and not idea.participants.exists():
        Participant.objects.create(
            idea=idea,
            organisation_id=idea.receiving_organisation_id,
            role=Participant.Role.LEAD,
            status=Participant.Status.ACCEPTED,
            cost_share=Decimal(100),
            invited_by=by if by else None,
        )


def invite_participant(*, idea: Idea, organisation: Organisation, by: User | None) -> Participant:
    """Invite another organisation to co-develop; its coordinators are told by e-mail."""
    if not organisation.is_active:
        raise ValidationError({"organisation": [gettext("That organisation is not active.")]})
    with transaction.atomic():
        _lock(idea.pk)
        _ensure_lead(idea, by)
        existing = Participant.objects.filter(idea=idea, organisation=organisation).first()
        if existing is not None and existing.status != Participant.Status.DECLINED:
            raise ValidationError({"organisation": [gettext("That organisation already takes part or is invited.")]})
        if existing is not None:
            existing.status = Participant.Status.INVITED
            existing.invited_by = by if by else None
            existing.save(update_fields=["status", "invited_by"])
            participant = existing
        else:
            participant = Participant.objects.create(
                idea=idea, organisation=organisation, role=Participant.Role.PARTNER, invited_by=by if by else None
            )
        _event(
            idea,
            Event.Kind.PARTICIPANT_INVITED,
            by=by,
            public=False,
            text=organisation.name,
            organisation=organisation.pk,
        )
        _mail_users(
            _coordinators_of(organisation.pk),
            _("Invitation to co-develop an idea"),
            _("%(organisation)s invites %(invited)s to co-develop %(reference)s “%(title)s”. Accept or decline here:"),
            {
                "organisation": idea.receiving_organisation or "",
                "invited": organisation.name,
                "reference": idea.reference,
                "title": idea.title,
            },
            "ideas-participant-respond",
            participant.pk,
        )
    return participant


def respond_to_invitation(*, participant: Participant, accept: bool, by: User | None) -> Participant:
    """The invited organisation accepts (the idea enters its inbox) or declines."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("idea", "organisation")
            .get(pk=participant.pk)
        )
        if participant.status != Participant.Status.INVITED:
            raise ValidationError({"status": [gettext("This invitation has already been answered.")]})
        participant.status = Participant.Status.ACCEPTED if accept else Participant.Status.DECLINED
        participant.save(update_fields=["status"])
        idea = participant.idea
        if accept:
            _event(
                idea,
                Event.Kind.PARTICIPANT_JOINED,
                by=by,
                public=True,
                text=participant.organisation.name,
                organisation=participant.organisation_id,
            )
        else:
            _event(
                idea,
                Event.Kind.PARTICIPANT_INVITED,
                by=by,
                public=False,
                text=gettext("%(organisation)s declined") % {"organisation": participant.organisation.name},
                organisation=participant.organisation_id,
                declined=True,
            )
        if idea.receiving_organisation_id:
            _mail_users(
                _coordinators_of(idea.receiving_organisation_id),
                _("Answer to your invitation to co-develop"),
                _("%(organisation)s accepted to co-develop %(reference)s “%(title)s”.")
                if accept
                else _("%(organisation)s declined to co-develop %(reference)s “%(title)s”."),
                {"organisation": participant.organisation.name, "reference": idea.reference, "title": idea.title},
                "ideas-casework-detail",
                idea.pk,
            )
    return participant


@dataclass(frozen=True)
class Share:
    participant_id: int
    role: str
    cost_share: Decimal


def _amount(value: Decimal | None) -> str | None:
    """A share or budget as the audit log keeps it: two decimals, so 40 and 40.00 are one value."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def set_cost_split(
    *, idea: Idea, shares: Sequence[Share], by: User | None, budget: Decimal | None = None, currency: str | None = None
) -> bool:
    """Save roles and cost shares of all non-declined participants at once: exactly one lead,
    shares from 0 to 100 that add up to exactly 100 %. The audit log gets each changed value
    before and after, the timeline one event; saving the split as it is records nothing.
    Returns whether anything changed."""
    errors: dict[str, list[str]] = {}
    participants = {
        p.pk: p for p in idea.participants.exclude(status=Participant.Status.DECLINED).select_related("organisation")
    }
    given = {s.participant_id: s for s in shares}
    if set(given) != set(participants):
        errors.setdefault("shares", []).append(gettext("Give a share for every co-developing organisation."))
    if any(s.role not in Participant.Role.values for s in shares):
        errors.setdefault("shares", []).append(gettext("The role is lead or partner."))
    if sum(1 for s in shares if s.role == Participant.Role.LEAD) != 1:
        errors.setdefault("shares", []).append(gettext("Exactly one organisation leads."))
    if any(not (Decimal(0) <= s.cost_share <= Decimal(100)) for s in shares):
        errors.setdefault("shares", []).append(gettext("Each share is between 0 and 100 %."))
    total = sum((s.cost_share for s in shares), Decimal(0))
    if total != Decimal(100):
        errors.setdefault("shares", []).append(
            gettext("The shares add up to %(total)s %%; they must add up to exactly 100 %%.")
            % {"total": formats.number_format(total, decimal_pos=2, use_l10n=True)}
        )
    if budget is not None and budget < 0:
        errors["budget"] = [gettext("The budget cannot be negative.")]
    if currency is not None and currency not in Currency.values:
        errors["currency"] = [gettext("Choose SEK or NOK.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(idea.pk)
        locked = Participant.objects.select_for_update(of=("self",)).select_related("organisation", "idea")
        current = {p.pk: p for p in locked.filter(pk__in=list(participants))}
        stored = Idea.objects.get(pk=idea.pk)
        new_budget = stored.budget if budget is None and currency is None else budget
        new_currency = (currency or stored.currency) if budget is not None or currency is not None else stored.currency
        participant_changes = {
            pk: {
                name: [before, after]
                for name, before, after in (
                    ("role", current[pk].role, given[pk].role),
                    ("cost_share", _amount(current[pk].cost_share), _amount(given[pk].cost_share)),
                )
                if before != after
            }
            for pk in current
        }
        idea_changes = {
            name: [before, after]
            for name, before, after in (
                ("budget", _amount(stored.budget), _amount(new_budget)),
                ("currency", stored.currency, new_currency),
            )
            if before != after
        }
        if not idea_changes and not any(participant_changes.values()):
            return False
        # Demote first so the one-lead constraint holds at every statement.
        Participant.objects.filter(idea=idea).update(role=Participant.Role.PARTNER)
        for share in shares:
            Participant.objects.filter(pk=share.participant_id).update(role=share.role, cost_share=share.cost_share)
        Idea.objects.filter(pk=idea.pk).update(budget=new_budget, currency=new_currency, updated_at=timezone.now())
        _event(
            idea,
            Event.Kind.COSTS_CHANGED,
            by=by,
            public=False,
            shares={participants[s.participant_id].organisation.name: str(s.cost_share) for s in shares},
            budget=str(new_budget) if new_budget is not None else None,
            currency=new_currency,
        )
        for pk, changes in participant_changes.items():
            if changes:
                current[pk].role, current[pk].cost_share = given[pk].role, given[pk].cost_share
                audit.record(current[pk], "update", changes)
        if idea_changes:
            audit.record(stored, "update", idea_changes)
    return True


# --------------------------------------------------------------------------- sluice configuration


@dataclass(frozen=True)
class StageChange:
    """One row of a sluice's stage list: an existing stage (`pk`) or a new custom one."""

    name: str
    position: int
    is_final: bool = False
    pk: int | None = None
    delete: bool = False


@dataclass(frozen=True)
class CriterionChange:
    """One assessment criterion of a sluice: an existing one (`pk`) or a new one."""

    name: str
    description: str = ""
    weight: int = 1
    position: int = 0
    pk: int | None = None
    delete: bool = False


def configure_sluice(
    *, sluice: Sluice, stages: Sequence[StageChange], criteria: Sequence[CriterionChange], by: User | None
) -> None:
    """Apply a sluice's stage and criterion lists (plain data, from the settings page or any other
    caller). Positions are renumbered 0, 1, 2 … in the chosen order; they are moved aside first so
    the unique (sluice, position) constraint holds at every statement. Standard stages and criteria
    keep their name (it is translated); standard stages cannot be removed, neither can a stage with
    ideas or history, or a criterion used in decisions. A row naming another sluice's stage or criterion is refused."""
    with transaction.atomic():
        own_stages = {stage.pk: stage for stage in Stage.objects.select_for_update().filter(sluice=sluice)}
        own_criteria = {criterion.pk: criterion for criterion in Criterion.objects.filter(sluice=sluice)}
        for change in stages:
            _check_stage_change(change, own_stages)
        Stage.objects.filter(sluice=sluice).update(position=F("position") + 10_000)
        for change in stages:
            stage = own_stages.get(change.pk) if change.pk is not None else None
            if change.delete:
                if stage is not None:
                    stage.delete()
                continue
            if stage is None:
                stage = Stage(sluice=sluice, kind=Stage.Kind.CUSTOM)
            if stage.kind == Stage.Kind.CUSTOM:
                stage.name = change.name
            stage.is_final = change.is_final
            stage.position = 20_000 + change.position
            stage.save()
        ordered = list(Stage.objects.filter(sluice=sluice).order_by("position", "pk"))
        for index, stage in enumerate(ordered):
            Stage.objects.filter(pk=stage.pk).update(position=index)
        for criterion_change in criteria:
            _apply_criterion_change(sluice, criterion_change, own_criteria)


def _check_stage_change(change: StageChange, own_stages: Mapping[int, Stage]) -> None:
    stage = own_stages.get(change.pk) if change.pk is not None else None
    if change.pk is not None and stage is None:
        raise ValidationError(gettext("That stage belongs to another sluice."))
    if change.delete and stage is not None:
        if stage.kind != Stage.Kind.CUSTOM:
            raise ValidationError(gettext("Standard stages cannot be removed; rename or reorder custom ones."))
        if stage.ideas.exists() or stage.visits.exists():
            raise ValidationError(
                gettext("The stage “%(stage)s” has ideas or history and cannot be removed.") % {"stage": stage.label}
            )


def _apply_criterion_change(sluice: Sluice, change: CriterionChange, own: Mapping[int, Criterion]) -> None:
    criterion = own.get(change.pk) if change.pk is not None else None
    if change.pk is not None and criterion is None:
        raise ValidationError(gettext("That criterion belongs to another sluice."))
    if change.delete:
        if criterion is not None:
            if CriterionScore.objects.filter(criterion=criterion).exists():
                raise ValidationError(
                    gettext("“%(criterion)s” has been used in decisions and cannot be removed.")
                    % {"criterion": criterion.label}
                )
            criterion.delete()
        return
    criterion = criterion or Criterion(sluice=sluice, kind=Criterion.Kind.CUSTOM)
    if criterion.kind == Criterion.Kind.CUSTOM:  # a standard criterion's name is translated
        if not change.name.strip():
            raise ValidationError(gettext("Name the criterion."))
        criterion.name = change.name
        criterion.description = change.description
    criterion.weight = change.weight
    criterion.position = change.position
    criterion.save()


# --------------------------------------------------------------------------- exports


def request_export(
    *, requester: User, organisation: Organisation, filters: dict[str, Any], language: str, filename: str
) -> Export:
    """Queue the inbox workbook for `requester` (`services.exports.build_export`), or return the
    unfinished one already asked for with the same filters and language: a double click, or a
    reload of the page that asked, never starts a second job."""
    if not exports.may_export(requester, organisation):
        raise PermissionError("no casework role in this organisation")
    canonical = json.dumps(
        {"kind": Export.Kind.INBOX, "organisation": organisation.pk, "filters": filters, "language": language},
        sort_keys=True,
    )
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    running = Export.objects.unfinished().filter(requester=requester, fingerprint=fingerprint).first()
    if running is not None:
        return running
    try:
        with transaction.atomic():
            export = Export.objects.create(
                requester=requester,
                organisation=organisation,
                kind=Export.Kind.INBOX,
                filters=filters,
                language=language,
                fingerprint=fingerprint,
                filename=filename,
                expires_at=timezone.now() + exports.keep_for(),
            )
            enqueue(tasks.build_export, export.pk)
    except IntegrityError:
        # The other click won the race (the partial unique constraint): use its export.
        return Export.objects.unfinished().get(requester=requester, fingerprint=fingerprint)
    return export


def retry_export(*, export: Export) -> Export:
    """Ask again for a failed export, with the same filters (a new export: the failed one stays
    for its error until it expires)."""
    return request_export(
        requester=export.requester,
        organisation=export.organisation,
        filters=export.filters,
        language=export.language,
        filename=export.filename,
    )
