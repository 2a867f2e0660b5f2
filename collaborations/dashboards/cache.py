"""What makes the dashboards' cache honest: a fingerprint of everything the
pages read. Every write through the services or the admin leaves a history
row or a new row in one of the tables below, so a new fingerprint means a
changed portfolio and a new cache key; nothing has to remember to invalidate."""

from __future__ import annotations

from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from ..economy.models import CostKey, HostAgreement, HostAgreementParticipant
from ..meetings.models import FollowUp, Meeting, MeetingCase
from ..portfolio.models import Measure, Participation, PlanPeriod, StatusUpdate, Strategy
from ..registry.models import Collaboration, Membership, Network


def with_fingerprint(slug: str) -> Collaboration | None:
    """The collaboration and a fingerprint of what the dashboards read, in one
    query: the newest history row of its measures, participations, strategies,
    members, networks, cost keys, host agreements and their participants,
    meetings with their cases and follow-ups, plans, and the newest status update."""
    def signature(qs, column: str = "history_id"):
        # "count:max" of the filtered rows: a new row raises the max, a deleted
        # one lowers the count. (Asking for the count also keeps PostgreSQL
        # from turning MAX() into a backward walk of the whole primary key.)
        return Subquery(qs.order_by().annotate(one=Value(1)).values("one").annotate(
            sig=Concat(Cast(Count("*"), CharField()), Value(":"), Cast(Max(column), CharField())))
            .values("sig"), output_field=CharField())

    c = OuterRef("pk")
    return Collaboration.objects.filter(slug=slug).select_related("parent").annotate(
        fp_measure=signature(Measure.history.model.objects.filter(collaboration_id=c)),
        fp_participation=signature(Participation.history.model.objects.filter(measure__collaboration_id=c)),
        fp_agreement=signature(HostAgreement.history.model.objects.filter(collaboration_id=c)),
        fp_agreement_participant=signature(HostAgreementParticipant.history.model.objects.filter(
            agreement__collaboration_id=c)),
        fp_update=signature(StatusUpdate.objects.filter(measure__collaboration_id=c), "id"),
        fp_meeting=signature(Meeting.history.model.objects.filter(body__collaboration_id=c)),
        fp_case=signature(MeetingCase.history.model.objects.filter(meeting__body__collaboration_id=c)),
        fp_follow_up=signature(FollowUp.history.model.objects.filter(case__meeting__body__collaboration_id=c)),
        fp_strategy=signature(Strategy.history.model.objects.filter(plan__collaboration_id=c)),
        fp_plan=signature(PlanPeriod.history.model.objects.filter(collaboration_id=c)),
        fp_membership=signature(Membership.history.model.objects.filter(collaboration_id=c)),
        fp_network=signature(Network.history.model.objects.filter(collaboration_id=c)),
        fp_cost_key=signature(CostKey.history.model.objects.filter(collaboration_id=c)),
    ).first()


def fingerprint_of(collaboration: Collaboration) -> str:
    return "-".join(str(getattr(collaboration, f, None)) for f in (
        "fp_measure", "fp_participation", "fp_agreement", "fp_agreement_participant", "fp_update", "fp_meeting",
        "fp_case", "fp_follow_up", "fp_strategy", "fp_plan", "fp_membership", "fp_network", "fp_cost_key"))
