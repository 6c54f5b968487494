"""The outbox's workspace item: mail that was given up on, for platform staff who may read the
outbox in the admin (queued mail belongs to no organisation, so no organisation admin sees it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from framja.navigation import Viewer, WorkspaceItem
from framja.notifications.models import OutboundEmail


def _failed_mail(viewer: Viewer) -> tuple[int, str] | None:
    if not viewer.is_staff or not viewer.user.has_perm("notifications.view_outboundemail"):
        return None
    url = reverse("admin:notifications_outboundemail_changelist") + "?failed_at__isnull=False"
    return OutboundEmail.objects.filter(failed_at__isnull=False).count(), url


WORKSPACE = [WorkspaceItem(key="failed-mail", label=_("E-mail that could not be sent"), global_count=_failed_mail)]
