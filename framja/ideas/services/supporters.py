"""The supporter figure of an idea, stored on the idea (`Idea.supporter_total`).

The figure is the number of distinct people (an e-mail address, else an account) with a
confirmed support for any idea of the duplicate group (the original and its active
duplicates); every member of the group carries the group's figure. Counting that at read time
joined every support to the duplicate links, about 34 ms per listed idea at 100,000 ideas, and
the public list sorts by it; stored, a page costs nothing per row and the sort reads a column.

Who keeps it:
- `recount(idea_ids)` recounts the groups of these ideas, in the caller's transaction, after
  locking each group's original (`FOR NO KEY UPDATE`: concurrent supports of one group are
  counted one after the other, each seeing the other's committed row).
- Every saved or deleted support and duplicate link triggers it (`connect_signals`, from the
  app's `ready()`), also deletions that cascade from an account's or an idea's removal, which
  happen in layers that cannot call this app; unconfirmed supports count for nothing and are
  skipped.
- `link_duplicate` calls it after moving the group's other links (a queryset update, which
  sends no signal).
- `recount_all()` (job `recount_supporters`, nightly, and `framja recount_supporters`) repairs
  anything written around these paths (bulk loads, raw SQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from framja.ideas.models import DuplicateLink, Idea, Support


def _groups(idea_ids: Iterable[int]) -> dict[int, set[int]]:
    """{original: {original and its active duplicates}} of the groups the ideas belong to."""
    ids = set(idea_ids)
    roots = dict(
        DuplicateLink.objects.filter(duplicate_id__in=ids, removed_at=None).values_list("duplicate_id", "original_id")
    )
    groups: dict[int, set[int]] = {roots.get(pk, pk): set() for pk in ids}
    for original, duplicate in DuplicateLink.objects.filter(original_id__in=groups, removed_at=None).values_list(
        "original_id", "duplicate_id"
    ):
        groups[original].add(duplicate)
    for root, members in groups.items():
        members.add(root)
    return groups


def recount(idea_ids: Iterable[int]) -> None:
    """Store the current figure on every member of the groups of `idea_ids`."""
    ids = {int(pk) for pk in idea_ids if pk is not None}
    if not ids:
        return
    with transaction.atomic():
        roots = sorted(_groups(ids))
        # Lock the originals first (in id order, so two recounts never wait on each other in a
        # circle), then read the groups again: a link may have changed while we waited.
        list(Idea.objects.select_for_update(no_key=True).filter(pk__in=roots).order_by("pk").values_list("pk"))
        groups = _groups(ids)
        member_of = {member: root for root, members in groups.items() for member in members}
        people: dict[int, set[str]] = defaultdict(set)
        for idea_id, person in Support.objects.counted().filter(idea_id__in=member_of).people():
            people[member_of[idea_id]].add(person)
        by_figure: dict[int, list[int]] = defaultdict(list)
        for root, members in groups.items():
            by_figure[len(people[root])].extend(members)
        for figure, group_ids in by_figure.items():
            Idea.objects.filter(pk__in=group_ids).exclude(supporter_total=figure).update(supporter_total=figure)


def recount_all(batch_size: int = 5_000) -> int:
    """Recount every idea; returns how many stored figures were wrong (and are now right)."""
    links = dict(DuplicateLink.objects.filter(removed_at=None).values_list("duplicate_id", "original_id"))
    people: dict[int, set[str]] = defaultdict(set)
    for idea_id, person in Support.objects.counted().people().iterator(chunk_size=batch_size):
        people[links.get(idea_id, idea_id)].add(person)
    wrong: dict[int, list[int]] = defaultdict(list)
    for pk, stored in Idea.objects.order_by().values_list("pk", "supporter_total").iterator(chunk_size=batch_size):
        figure = len(people.get(links.get(pk, pk), ()))
        if figure != stored:
            wrong[figure].append(pk)
    for figure, ids in wrong.items():
        for start in range(0, len(ids), batch_size):
            Idea.objects.filter(pk__in=ids[start : start + batch_size]).update(supporter_total=figure)
    return sum(len(ids) for ids in wrong.values())


def _support_changed(sender: Any, instance: Support, **kwargs: Any) -> None:
    if instance.confirmed_at is None and kwargs.get("created", True):
        return  # a new or deleted unconfirmed support neither counted nor counts
    recount([instance.idea_id])


def _link_changed(sender: Any, instance: DuplicateLink, **kwargs: Any) -> None:
    """A link saved (made or removed) or deleted with its idea: both sides' groups change."""
    recount([instance.duplicate_id, instance.original_id])


def connect_signals() -> None:
    post_save.connect(_support_changed, sender=Support, dispatch_uid="ideas_support_saved_recount")
    post_delete.connect(_support_changed, sender=Support, dispatch_uid="ideas_support_deleted_recount")
    post_save.connect(_link_changed, sender=DuplicateLink, dispatch_uid="ideas_link_saved_recount")
    post_delete.connect(_link_changed, sender=DuplicateLink, dispatch_uid="ideas_link_deleted_recount")
