"""The domain of inter-municipal collaboration, one module per concern."""

from .municipalities import County, Municipality, PopulationFigure, OutsidePartner, Person
from .collaborations import Collaboration, Membership, Body, BodyMember
from .costs import CostKey
from .networks import Network
from .agreements import HostAgreement, HostAgreementParticipant
from .portfolio import PlanPeriod, Strategy, Measure, Participation, StatusUpdate
from .meetings import Meeting, MeetingCase, Subproject
from .roles import RoleAssignment
from .rounds import ReportingRound, RoundReminder
from .documents import Document

__all__ = [
    "County", "Municipality", "PopulationFigure", "OutsidePartner", "Person",
    "Collaboration", "Membership", "Body", "BodyMember", "CostKey", "Network",
    "HostAgreement", "HostAgreementParticipant", "PlanPeriod", "Strategy",
    "Measure", "Participation", "StatusUpdate", "Meeting", "MeetingCase",
    "Subproject", "RoleAssignment", "ReportingRound", "RoundReminder", "Document",
]

from .permissions import (  # noqa: E402
    CollaborationGroupObjectPermission, CollaborationUserObjectPermission,
    MeasureGroupObjectPermission, MeasureUserObjectPermission,
    NetworkGroupObjectPermission, NetworkUserObjectPermission,
)
from .collaborations import Visibility  # noqa: E402
from .portfolio import Phase, TrafficLight, OrganisationKind  # noqa: E402
from .roles import Role  # noqa: E402
