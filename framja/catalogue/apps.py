from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "framja.catalogue"
    label = "catalogue"
    verbose_name = _("Support catalogue")

    def ready(self) -> None:
        from framja.audit import registry as audit
        from framja.catalogue import corpora
        from framja.catalogue import models as m

        corpora.register_corpora()
        corpora.connect_signals()

        audit.register(m.Offering, organisation=lambda o: o.organisation_id, exclude={"updated_at"})
        audit.register(m.Event, organisation=lambda e: e.organiser_id, exclude={"updated_at", "sequence"})
        audit.register(
            m.Registration,
            organisation=lambda r: r.event.organiser_id,
            exclude={"token_hash"},
            redact={"name", "email"},
        )
        audit.register(m.ContactRequest, organisation=lambda c: c.organisation_id, redact={"name", "email", "need"})
