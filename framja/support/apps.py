from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "framja.support"
    label = "support"
    verbose_name = _("Support log")

    def ready(self) -> None:
        from framja.audit import registry as audit
        from framja.support import models as m

        # Personal data is redacted in the log (a change is still recorded); demographic values
        # and the efforts' snapshots of them never enter it.
        # Which organisations have the company as a client is each one's own business: the
        # first recorder's audit log must not learn that another organisation took it on.
        audit.register(m.Company, organisation=lambda c: c.recorded_by_id, exclude={"updated_at", "client_of"})
        audit.register(
            m.Person,
            organisation=lambda p: p.organisation_id,
            exclude={"updated_at"},
            redact={"name", "email", "phone"},
        )
        audit.register(m.PersonCompany, organisation=lambda link: link.person.organisation_id)
        audit.register(m.Consent, organisation=lambda c: c.person.organisation_id)
        audit.register(
            m.Demographics,
            organisation=lambda d: d.person.organisation_id,
            exclude={"updated_at"},
            redact={"gender", "birth_year", "foreign_background"},
        )
        audit.register(
            m.Effort,
            organisation=lambda e: e.organisation_id,
            exclude={"updated_at", *m.Effort.SNAPSHOT_FIELDS},
            redact={"internal_notes"},
        )
        audit.register(m.Referral, organisation=lambda r: r.from_organisation_id, redact={"reason", "answer"})
