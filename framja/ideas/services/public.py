"""Writes of the public side of the idea sluice: submitting, supporting, and what a submitter
does behind the private status link (add information, withdraw, remove personal data).

Every function is keyword-only and atomic; mail goes through the outbox (sent after commit).
Helpers for the casework side: `notify_submitter()` and `notify_coordinators()`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.accounts import ratelimit
from framja.accounts.models import Membership, Organisation, User
from framja.accounts.permissions import DECIDING_ROLES
from framja.ideas.models import (
    Attachment,
    Audience,
    Comment,
    Event,
    Idea,
    Sluice,
    SluiceMembership,
    StageVisit,
    Support,
    Tag,
)
from framja.notifications.models import OutboundEmail
from framja.notifications.services import queue_email, queue_templated_email, render_email
from framja.places.models import Municipality

logger = logging.getLogger(__name__)

#: Largest attachment accepted, in bytes.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: At most this many attachments per submission.
MAX_ATTACHMENTS = 10
#: Allowed extensions and the content each must really have (checked by sniffing the bytes).
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}

#: Anonymous submissions and supports allowed per client address and window.
ANONYMOUS_SUBMITS = (5, 10 * 60)
ANONYMOUS_SUPPORTS = (20, 10 * 60)
#: "Send me my status links again": per connection, and per address whoever asks.
RESENDS_PER_CONNECTION = (5, 60 * 60)
RESENDS_PER_ADDRESS = (3, 24 * 60 * 60)

CONSENT_TEXT = _(
    "I agree that my name and e-mail address are stored with my idea so that the receiving "
    "organisation can contact me and I get news about the idea. They are never shown publicly, "
    "and I can have them removed at any time through my private status link."
)


# --- small helpers -------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def idea_by_status_token(raw: str) -> Idea | None:
    """The idea behind a private status link; only the token's hash is stored and compared."""
    if not raw or len(raw) > 100:
        return None
    return (
        Idea.objects.select_related("municipality", "stage", "receiving_organisation")
        .filter(status_token_hash=hash_token(raw))
        .first()
    )


def status_url(raw_token: str, *, language: str = "") -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("ideas-status", args=[raw_token])


def public_url(idea: Idea, *, language: str = "") -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("ideas-public-detail", args=[idea.pk])


def casework_url(idea: Idea, *, language: str = "") -> str:
    """The casework page of the idea (falls back to the public page until that page exists)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            return settings.SITE_URL + reverse("ideas-casework-detail", args=[idea.pk])
        except NoReverseMatch:
            return settings.SITE_URL + reverse("ideas-public-detail", args=[idea.pk])


def allow_anonymous(request: HttpRequest, scope: str, limit: tuple[int, int]) -> bool:
    """Count one anonymous action of `scope` for the client; False once over the limit.

    Pages and the API share the counter, so switching between them does not double the quota;
    the counter lives in the shared cache, so all workers count together."""
    return ratelimit.allow(request, scope, limit)


def caller_scope(request: HttpRequest, user: Any) -> str:
    """Whose idempotency keys these are: the account, or the anonymous client's address (hashed)."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous:" + hashlib.sha256(ratelimit.client_address(request).encode()).hexdigest()[:40]


class TooManyAttemptsError(Exception):
    """This client has tried too many unknown status links: it is guessing."""


def idea_for_status_link(request: HttpRequest, raw: str) -> Idea | None:
    """The idea behind a private status link, for a client that is not guessing links.

    Unknown links count against the client's address (ratelimit.STATUS_LINK_MISSES); once over,
    every lookup raises TooManyAttemptsError until the window ends, even for a real link."""
    address = ratelimit.client_address(request)
    if ratelimit.exceeded("status-link-miss", address, ratelimit.STATUS_LINK_MISSES):
        raise TooManyAttemptsError
    idea = idea_by_status_token(raw)
    if idea is None:
        ratelimit.hit("status-link-miss", address, ratelimit.STATUS_LINK_MISSES)
    return idea


# --- attachments ---------------------------------------------------------------------------


def _sniff_ok(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {"jpg", "jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if extension in {"txt", "csv"}:
        if b"\x00" in head:
            return False
        return not any(byte < 32 and byte not in (9, 10, 12, 13) for byte in head)
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in _OOXML_PART:
                return _OOXML_PART[extension] in names
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                return False
            return archive.read("mimetype").decode("ascii", "replace").strip() == ALLOWED_TYPES[extension]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def validate_attachment(upload: UploadedFile) -> str:
    """Check size, extension and the real content; return the content type or raise ValidationError."""
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB. Make it smaller or share a link to it instead."),
            code="too_large",
            params={"name": name},
        )
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type. "
                "Accepted: PDF, PNG, JPEG, Word, Excel, PowerPoint, OpenDocument, text."
            ),
            code="type",
            params={"name": name},
        )
    if not upload.size or not _sniff_ok(upload, extension):
        raise ValidationError(
            _("“%(name)s” does not contain what its name says (%(extension)s), or it is empty or damaged."),
            code="content",
            params={"name": name, "extension": extension.upper()},
        )
    return ALLOWED_TYPES[extension]


def validate_attachments(uploads: Sequence[UploadedFile]) -> None:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("Attach at most %(count)s files."), code="too_many", params={"count": MAX_ATTACHMENTS})
    errors = []
    for upload in uploads:
        try:
            validate_attachment(upload)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)


def _store_attachment(idea: Idea, upload: UploadedFile) -> Attachment:
    content_type = validate_attachment(upload)
    original = PurePath(upload.name or "file").name[:255]
    extension = original.rsplit(".", 1)[-1].lower()
    upload.name = f"{uuid.uuid4().hex}.{extension}"  # stored under a random name; the original is kept apart
    return Attachment.objects.create(
        idea=idea, file=upload, original_name=original, content_type=content_type, size=upload.size or 0
    )


# --- receiving organisation, sluice and reference ------------------------------------------


def receiving_organisation_for(municipality: Municipality) -> Organisation | None:
    """Who receives an idea about `municipality`: its own organisation, else an organisation in a
    sluice serving it, else a region organisation serving it, else nobody (platform staff).
    Only verified kinds, municipalities and areas count: a claim routes nothing."""
    active = Organisation.objects.active()
    own = (
        active.filter(verified_kind=Organisation.Kind.MUNICIPALITY, verified_municipality=municipality)
        .order_by("pk")
        .first()
    )
    if own is not None:
        return own
    in_sluice = (
        active.filter(verified_serves=municipality)
        .filter(Q(sluices__isnull=False) | Q(led_sluices__isnull=False))
        .order_by("pk")
        .first()
    )
    if in_sluice is not None:
        return in_sluice
    return active.filter(verified_kind=Organisation.Kind.REGION, verified_serves=municipality).order_by("pk").first()


def sluice_for(organisation: Organisation) -> Sluice:
    """The sluice the organisation's new ideas land in: the shared sluice it is an active member
    of (at most one, by constraint), else its own sluice; the default pipeline is created on
    first use. An organisation that left a shared sluice gets its own sluice back."""
    membership = SluiceMembership.objects.active().filter(organisation=organisation).select_related("sluice").first()
    if membership is not None:
        return membership.sluice
    existing = (
        Sluice.objects.filter(Q(lead_organisation=organisation) | Q(organisations=organisation))
        .filter(shared=False)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    slug = f"{organisation.slug}-ideas"
    if Sluice.objects.filter(slug=slug).exists():
        slug = f"{slug}-{organisation.pk}"
    try:
        with transaction.atomic():
            return Sluice.create_default(lead_organisation=organisation, slug=slug)
    except IntegrityError:  # created at the same moment by another request
        return Sluice.objects.filter(lead_organisation=organisation, shared=False).order_by(
            "pk"
        ).first() or Sluice.create_default(lead_organisation=organisation, slug=f"{slug}-{uuid.uuid4().hex[:6]}")


def _next_reference(municipality: Municipality, year: int) -> str:
    prefix = f"IDE-{municipality.code}-{year}-"
    last = (
        Idea.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _save_with_reference(idea: Idea, attempts: int = 20) -> None:
    """Give `idea` the next free reference and insert it; on a clash with a concurrent insert
    (the unique constraint fires) try the next number."""
    year = timezone.localdate().year
    for _attempt in range(attempts):
        idea.reference = _next_reference(idea.municipality, year)
        try:
            with transaction.atomic():
                idea.save()
            return
        except IntegrityError:
            if Idea.objects.filter(reference=idea.reference).exists():
                continue
            raise
    raise IntegrityError("no free idea reference")  # pragma: no cover - 20 concurrent clashes


# --- submitting ----------------------------------------------------------------------------


@dataclass
class Submission:
    idea: Idea
    status_token: str


def idea_submit(
    *,
    title: str,
    description: str,
    municipality: Municipality,
    audience: str = "",
    tags: Iterable[Tag] = (),
    attachments: Sequence[UploadedFile] = (),
    user: User | AnonymousUser | None = None,
    name: str = "",
    email: str = "",
    consent: bool = False,
    notify: bool = True,
    language: str = "",
) -> Submission:
    """Store a new idea with its reference, first stage, timeline entry and index change, and
    queue the receipt (with the private status link) and the note to the receiving coordinators.

    Anonymous submitters must give an e-mail address and consent; signed-in ones use their account."""
    account = user if isinstance(user, User) and user.is_authenticated else None
    signed_in = account is not None
    errors: dict[str, list[Any]] = {}
    title, description = title.strip(), description.strip()
    if not title:
        errors.setdefault("title", []).append(_("Give your idea a title."))
    if not description:
        errors.setdefault("description", []).append(_("Describe your idea."))
    if audience and audience not in Audience.values:
        errors.setdefault("audience", []).append(_("Choose who the idea is for from the list."))
    if account is not None:
        email = email.strip() or account.email
        name = name.strip() or account.get_full_name()
    else:
        email, name = email.strip(), name.strip()
        if not email:
            errors.setdefault("email", []).append(_("Give an e-mail address so that we can send you the receipt."))
        if not consent:
            errors.setdefault("consent", []).append(_("Agree to how your contact details are stored."))
    try:
        validate_attachments(list(attachments))
    except ValidationError as exc:
        errors.setdefault("attachments", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    language = (language or get_language() or settings.LANGUAGE_CODE)[:5]
    now = timezone.now()
    raw_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        organisation = receiving_organisation_for(municipality)
        sluice = sluice_for(organisation) if organisation is not None else None
        stage = sluice.first_stage() if sluice is not None else None
        idea = Idea(
            title=title[:200],
            description=description,
            language=language,
            municipality=municipality,
            receiving_organisation=organisation,
            sluice=sluice,
            stage=stage,
            stage_entered_at=now,
            audience=audience,
            submitter=account,
            submitter_name=name[:200],
            submitter_email=email,
            consent_text=str(CONSENT_TEXT) if (consent or signed_in) else "",
            consented_at=now if (consent or signed_in) else None,
            notify_submitter=notify,
            status_token_hash=hash_token(raw_token),
        )
        _save_with_reference(idea)
        tag_list = list(tags)
        if tag_list:
            idea.tags.set(tag_list)
        for upload in attachments:
            _store_attachment(idea, upload)
        if stage is not None:
            StageVisit.objects.create(idea=idea, stage=stage, entered_at=now)
        Event.objects.create(
            idea=idea, kind=Event.Kind.SUBMITTED, is_public=True, actor=account, data={"reference": idea.reference}
        )
        if email:
            queue_templated_email(
                to=email,
                template="idea_receipt",
                context={
                    "idea": idea,
                    "status_url": status_url(raw_token, language=language),
                    "public_url": public_url(idea, language=language),
                },
                language=language,
            )
        notify_coordinators(organisation, template="idea_new", context={"idea": idea}, idea=idea)
        schedule_candidate_refresh(idea.pk)
    return Submission(idea=idea, status_token=raw_token)


def schedule_candidate_refresh(idea_id: int) -> None:
    """Recompute this idea's duplicate-candidate pairs in a background job, enqueued with the
    current transaction's write (`framja.ideas.tasks.refresh_idea_candidates`), so it runs only
    once the idea is committed. The hourly scheduled refresh of all ideas catches anything the
    job missed."""
    from framja.ideas.tasks import refresh_idea_candidates
    from framja.jobs.services import enqueue

    enqueue(refresh_idea_candidates, idea_id)


# --- supporting ----------------------------------------------------------------------------


SUPPORT_CONFIRM_SALT = "framja.ideas.support-confirm"
#: Confirmation mails per address and day, whoever asks (an address is not flooded).
SUPPORT_CONFIRMATIONS_PER_ADDRESS = (3, 24 * 60 * 60)


def support_add(
    *, idea: Idea, user: User | AnonymousUser | None = None, email: str = "", language: str = ""
) -> tuple[Support, bool]:
    """Back an idea, once per person: signed in by account (and its address), else by e-mail.
    Returns (support, created); supporting twice returns the first support.

    A signed-in person's support counts at once. An anonymous one is stored unconfirmed
    (`confirmed_at` None) and a link to confirm it is mailed to the address: it counts once
    confirmed, so supports cannot be stuffed with made-up addresses. Supporting again before
    confirming mails the link again (at most SUPPORT_CONFIRMATIONS_PER_ADDRESS a day)."""
    if idea.withdrawn_at is not None:
        raise ValidationError({"idea": _("This idea has been withdrawn and can no longer be supported.")})
    account = user if isinstance(user, User) and user.is_authenticated else None
    email = (account.email if account is not None else email).strip().lower()
    if account is None and not email:
        raise ValidationError({"email": _("Give your e-mail address, or sign in, to support the idea.")})
    same_person = Q()
    if email:
        same_person |= Q(email=email)
    if account is not None:
        same_person |= Q(user=account)
    now = timezone.now()
    with transaction.atomic():
        existing = Support.objects.select_for_update().filter(idea=idea).filter(same_person).first()
        if existing is not None:
            if existing.confirmed_at is None:
                if account is not None:  # the account holder of that address supports: confirmed
                    existing.user, existing.confirmed_at = account, now
                    existing.save(update_fields=["user", "confirmed_at"])
                    Event.objects.create(idea=idea, kind=Event.Kind.SUPPORTED, is_public=False, actor=account)
                else:
                    _mail_support_confirmation(existing, language=language)
            return existing, False
        try:
            with transaction.atomic():
                support = Support.objects.create(
                    idea=idea, user=account, email=email, confirmed_at=now if account is not None else None
                )
        except IntegrityError:
            existing = Support.objects.filter(idea=idea).filter(same_person).first()
            if existing is None:
                raise
            return existing, False
        if account is not None:
            Event.objects.create(idea=idea, kind=Event.Kind.SUPPORTED, is_public=False, actor=account)
        else:
            _mail_support_confirmation(support, language=language)
    return support, True


def support_confirmation_token(support: Support) -> str:
    return signing.dumps(support.pk, salt=SUPPORT_CONFIRM_SALT)


def support_for_confirmation(token: str) -> Support | None:
    """The support a confirmation link names, while the link is valid (None otherwise)."""
    if not token or len(token) > 200:
        return None
    try:
        pk = signing.loads(token, salt=SUPPORT_CONFIRM_SALT, max_age=Support.CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Support.objects.select_related("idea").filter(pk=pk, idea__withdrawn_at=None).first()


def support_confirm(support: Support) -> bool:
    """Count the support: its address is confirmed. True the first time; a second click is a no-op."""
    with transaction.atomic():
        locked = Support.objects.select_for_update().get(pk=support.pk)
        if locked.confirmed_at is not None:
            return False
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
        Event.objects.create(idea_id=locked.idea_id, kind=Event.Kind.SUPPORTED, is_public=False)
    support.confirmed_at = locked.confirmed_at
    return True


def _mail_support_confirmation(support: Support, *, language: str = "") -> None:
    if not ratelimit.hit("support-confirm", support.email, SUPPORT_CONFIRMATIONS_PER_ADDRESS):
        return
    language = (language or get_language() or settings.LANGUAGE_CODE)[:5]
    with translation.override(language):
        url = settings.SITE_URL + reverse("ideas-support-confirm", args=[support_confirmation_token(support)])
    subject, body = render_email("idea_support_confirm", {"idea": support.idea, "confirm_url": url}, language=language)
    queue_email(to=support.email, subject=subject, body=body, language=language, sensitive=True)


# --- the way back to lost status links -------------------------------------------------------


def resend_status_links(*, email: str, language: str = "") -> int:
    """Mail the submitter new private links to every idea sent under `email` whose personal data
    is still kept; returns how many (the caller never tells the asker, so nobody learns whether
    an address is known). Only the links' hashes are stored, so each idea gets a new link and
    the old one stops working; the mail says so. At most RESENDS_PER_ADDRESS mails a day per
    address, whoever asks, so the form cannot be used to flood someone's inbox."""
    email = email.strip().lower()
    if not email or not ratelimit.hit("resend-address", email, RESENDS_PER_ADDRESS):
        return 0
    language = (language or get_language() or settings.LANGUAGE_CODE)[:5]
    with transaction.atomic():
        ideas = list(
            Idea.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .filter(submitter_email__iexact=email, anonymised_at=None)
            .exclude(status_token_hash="")
            .order_by("-created_at", "-pk")
        )
        if not ideas:
            return 0
        links = []
        for idea in ideas:
            raw = secrets.token_urlsafe(32)
            idea.status_token_hash = hash_token(raw)
            idea.save(update_fields=["status_token_hash"])
            links.append({"idea": idea, "status_url": status_url(raw, language=language)})
        subject, body = render_email("idea_status_links", {"links": links}, language=language)
        # The body holds the private links: erased from the outbox once sent.
        queue_email(to=email, subject=subject, body=body, language=language, sensitive=True)
    return len(ideas)


# --- behind the private status link --------------------------------------------------------


def _locked(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("municipality", "receiving_organisation", "assignee")
        .get(pk=idea.pk)
    )


def submitter_add_information(*, idea: Idea, text: str) -> Comment:
    """The submitter adds information; the responsible person (else the coordinators) hears of it."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the information you want to add.")})
    with transaction.atomic():
        idea = _locked(idea)
        if idea.withdrawn_at is not None:
            raise ValidationError({"text": _("The idea has been withdrawn.")})
        comment = Comment.objects.create(idea=idea, visibility=Comment.Visibility.SUBMITTER, text=text[:10000])
        Event.objects.create(idea=idea, kind=Event.Kind.INFO_ADDED, is_public=False)
        context = {"idea": idea, "text": comment.text}
        if idea.assignee is not None and idea.assignee.email:
            queue_templated_email(
                to=idea.assignee.email,
                template="idea_information_added",
                context={**context, "url": casework_url(idea, language=idea.assignee.preferred_language)},
                language=idea.assignee.preferred_language,
            )
        else:
            notify_coordinators(
                idea.receiving_organisation, template="idea_information_added", context=context, idea=idea
            )
    return comment


def idea_withdraw(*, idea: Idea) -> Idea:
    """The submitter withdraws the idea: it leaves public lists and the similarity index."""
    with transaction.atomic():
        idea = _locked(idea)
        if idea.withdrawn_at is not None:
            return idea
        now = timezone.now()
        idea.withdrawn_at = now
        idea.version += 1
        idea.save(update_fields=["withdrawn_at", "version", "updated_at"])
        StageVisit.objects.filter(idea=idea, left_at=None).update(left_at=now)
        Event.objects.create(idea=idea, kind=Event.Kind.WITHDRAWN, is_public=True)
        notify_coordinators(idea.receiving_organisation, template="idea_withdrawn", context={"idea": idea}, idea=idea)
    return idea


def idea_anonymise(*, idea: Idea) -> Idea:
    """Remove the submitter's personal data; the idea itself stays, and no more mail is sent."""
    with transaction.atomic():
        idea = _locked(idea)
        if idea.anonymised_at is not None:
            return idea
        idea.submitter = None
        idea.submitter_name = ""
        idea.submitter_email = ""
        idea.consent_text = ""
        idea.consented_at = None
        idea.notify_submitter = False
        idea.anonymised_at = timezone.now()
        idea.version += 1
        idea.save(
            update_fields=[
                "submitter",
                "submitter_name",
                "submitter_email",
                "consent_text",
                "consented_at",
                "notify_submitter",
                "anonymised_at",
                "version",
                "updated_at",
            ]
        )
        Event.objects.filter(
            idea=idea, actor__isnull=False, kind__in=[Event.Kind.SUBMITTED, Event.Kind.SUPPORTED]
        ).update(actor=None)
        Event.objects.create(idea=idea, kind=Event.Kind.ANONYMISED, is_public=False)
    return idea


# --- notifications used by both sides ------------------------------------------------------


def notify_submitter(
    idea: Idea,
    *,
    subject: str = "",
    body: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
) -> OutboundEmail | None:
    """Queue a mail to the submitter about a public change, if they gave an address, consented
    to news and have not removed their data. Either pass `subject` and `body` (already in the
    submitter's language, `idea.language`) or a `template` under templates/notifications/
    (rendered in `idea.language` with `idea` and `public_url` in its context)."""
    if not idea.submitter_email or idea.anonymised_at is not None or not idea.notify_submitter:
        return None
    language = idea.language or settings.LANGUAGE_CODE
    if template:
        return queue_templated_email(
            to=idea.submitter_email,
            template=template,
            context={"idea": idea, "public_url": public_url(idea, language=language), **(context or {})},
            language=language,
        )
    return queue_email(to=idea.submitter_email, subject=subject, body=body, language=language)


def coordinators_of(organisation: Organisation | None) -> list[User]:
    """Who hears of new ideas: the organisation's admins and coordinators; platform staff when
    no organisation receives the idea."""
    if organisation is None:
        return list(User.objects.filter(is_staff=True, is_active=True).exclude(email=""))
    user_ids = Membership.objects.filter(organisation=organisation, role__in=DECIDING_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"))


def notify_coordinators(
    organisation: Organisation | None,
    *,
    subject: str = "",
    body: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
    idea: Idea | None = None,
) -> list[OutboundEmail]:
    """Queue a mail to each coordinator (see `coordinators_of`), each in their own language.
    With a `template`, the context gets `organisation`, `recipient` and, given an `idea`, `url`
    (its casework page in the recipient's language)."""
    queued = []
    for person in coordinators_of(organisation):
        language = person.preferred_language or settings.LANGUAGE_CODE
        if template:
            extra: dict[str, Any] = {"organisation": organisation, "recipient": person}
            if idea is not None:
                extra["url"] = casework_url(idea, language=language)
            queued.append(
                queue_templated_email(
                    to=person.email, template=template, context={**(context or {}), **extra}, language=language
                )
            )
        else:
            queued.append(queue_email(to=person.email, subject=subject, body=body, language=language))
    return queued
