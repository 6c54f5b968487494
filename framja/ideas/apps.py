from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "framja.ideas"
    label = "ideas"
    verbose_name = _("Idea sluice")

    def ready(self) -> None:
        from framja.audit import registry as audit
        from framja.ideas import matching
        from framja.ideas import models as m
        from framja.ideas.services import exports, supporters
        from framja.places import option_cache

        matching.register_corpus()
        matching.connect_signals()
        supporters.connect_signals()
        exports.connect_signals()
        option_cache.connect([m.Tag], name="ideas-tags")  # the submit page's cached categories

        audit.register(
            m.Idea,
            organisation=lambda idea: idea.receiving_organisation_id,
            exclude={"updated_at", "version", "status_token_hash", "search_text", "supporter_total", "search_vector"},
            redact={"submitter_email", "submitter_name"},
        )
        audit.register(m.Sluice, organisation=lambda s: s.lead_organisation_id)
        audit.register(m.SluiceMembership, organisation=lambda ms: ms.sluice.lead_organisation_id)
        audit.register(m.Stage, organisation=lambda s: s.sluice.lead_organisation_id)
        audit.register(m.Criterion, organisation=lambda c: c.sluice.lead_organisation_id)
        audit.register(m.GateDecision, organisation=lambda d: d.idea.receiving_organisation_id)
        audit.register(m.Comment, organisation=lambda c: c.idea.receiving_organisation_id)
        audit.register(m.DuplicateLink, organisation=lambda d: d.duplicate.receiving_organisation_id)
        audit.register(m.DuplicateCandidate, organisation=lambda d: d.idea_a.receiving_organisation_id)
        audit.register(m.Participant, organisation=lambda p: p.idea.receiving_organisation_id)
        audit.register(m.Attachment, organisation=lambda a: a.idea.receiving_organisation_id)
