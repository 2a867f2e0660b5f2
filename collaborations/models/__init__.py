"""The domain of inter-municipal collaboration, one module per concern."""

from .agreements import HostAgreement, HostAgreementParticipant
from .collaborations import Body, BodyMember, Collaboration, Membership
from .costs import CostKey
from .documents import Document
from .meetings import Meeting, MeetingCase, Subproject
from .municipalities import County, Municipality, OutsidePartner, Person, PopulationFigure
from .networks import Network
from .portfolio import Measure, Participation, PlanPeriod, StatusUpdate, Strategy
from .roles import RoleAssignment
from .rounds import ReportingRound, RoundReminder

__all__ = [
    "County", "Municipality", "PopulationFigure", "OutsidePartner", "Person",
    "Collaboration", "Membership", "Body", "BodyMember", "CostKey", "Network",
    "HostAgreement", "HostAgreementParticipant", "PlanPeriod", "Strategy",
    "Measure", "Participation", "StatusUpdate", "Meeting", "MeetingCase",
    "Subproject", "RoleAssignment", "ReportingRound", "RoundReminder", "Document",
]

from .collaborations import Visibility  # noqa: E402
from .permissions import (  # noqa: E402
    CollaborationGroupObjectPermission,
    CollaborationUserObjectPermission,
    MeasureGroupObjectPermission,
    MeasureUserObjectPermission,
    NetworkGroupObjectPermission,
    NetworkUserObjectPermission,
)
from .portfolio import OrganisationKind, Phase, TrafficLight  # noqa: E402
from .roles import Role  # noqa: E402

__all__ += [
    "Visibility", "Phase", "TrafficLight", "OrganisationKind", "Role",
    "CollaborationGroupObjectPermission", "CollaborationUserObjectPermission",
    "MeasureGroupObjectPermission", "MeasureUserObjectPermission",
    "NetworkGroupObjectPermission", "NetworkUserObjectPermission",
]
