"""Django finds an app's models in `<app>.models`; each model lives in its
feature package (registry, economy, portfolio, meetings, rounds, access) and
is registered here under the one app label "collaborations". Import a model
from its feature package, not from here."""

from .access.models import (  # noqa: F401
    AuditEvent,
    CollaborationGroupObjectPermission,
    CollaborationUserObjectPermission,
    MeasureGroupObjectPermission,
    MeasureUserObjectPermission,
    NetworkGroupObjectPermission,
    NetworkUserObjectPermission,
    RoleAssignment,
)
from .economy.models import CostKey, HostAgreement, HostAgreementParticipant  # noqa: F401
from .meetings.models import Meeting, MeetingCase, Subproject  # noqa: F401
from .portfolio.models import Document, Measure, Participation, PlanPeriod, StatusUpdate, Strategy  # noqa: F401
from .registry.models import (  # noqa: F401
    Body,
    BodyMember,
    Collaboration,
    County,
    Membership,
    Municipality,
    Network,
    OutsidePartner,
    Person,
    PopulationFigure,
)
from .rounds.models import ReportingRound, RoundReminder  # noqa: F401
