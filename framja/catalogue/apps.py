from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "framja.catalogue"
    label = "catalogue"
    verbose_name = _("Support catalogue")

    def ready(self) -> None:
        from framja.accounts.models import Organisation
        from framja.audit import registry as audit
        from framja.catalogue import corpora
        from framja.catalogue import models as m
        from framja.catalogue.forms import ORGANISER_OPTIONS
        from framja.places import option_cache

        corpora.register_corpora()
        corpora.connect_signals()
        # the calendar's cached list of organisers is stale once an organisation changes
        option_cache.connect([Organisation], name=ORGANISER_OPTIONS)

        audit.register(m.Offering, organisation=lambda o: o.organisation_id, exclude={"updated_at"})
        audit.register(m.Event, organisation=lambda e: e.organiser_id, exclude={"updated_at", "sequence"})
        audit.register(
            m.Registration,
            organisation=lambda r: r.event.organiser_id,
            exclude={"token_hash"},
            redact={"name", "email"},
        )
        audit.register(m.ContactRequest, organisation=lambda c: c.organisation_id, redact={"name", "email", "need"})
