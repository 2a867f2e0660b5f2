"""Admin of meetings, their numbered cases, follow-ups and subprojects; saves go through meetings.services."""

from django.contrib import admin

from ..access.admin import ServiceAdmin, ServiceInline
from . import services
from .models import CouncilCase, CouncilDecision, FollowUp, Meeting, MeetingCase, Subproject


class MeetingCaseInline(ServiceInline):
    records = services.CASES
    model = MeetingCase
    fields = ["number", "title", "conclusion", "visibility"]

    def save_with_service(self, request, obj, reason: str, form=None):
        return services.case_save(acting_user=request.user, reason=reason, case=obj)


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    records = services.MEETINGS
    list_display = ["title", "held_on", "body", "place", "visibility"]
    list_filter = ["body__collaboration", "visibility"]
    search_fields = ["title", "place", "cases__title"]
    date_hierarchy = "held_on"
    inlines = [MeetingCaseInline]


@admin.register(FollowUp)
class FollowUpAdmin(ServiceAdmin):
    records = services.FOLLOW_UPS
    list_display = ["responsible", "case", "due_on", "done_on"]
    list_filter = ["case__meeting__body__collaboration"]
    search_fields = ["responsible", "action", "case__title"]

    def save_with_service(self, request, obj, reason: str, form=None):
        return services.follow_up_save(acting_user=request.user, reason=reason, follow_up=obj)


@admin.register(Subproject)
class SubprojectAdmin(ServiceAdmin):
    records = services.SUBPROJECTS
    list_display = ["code", "kind", "name", "parent", "collaboration"]
    list_filter = ["collaboration", "kind"]
    search_fields = ["code", "name"]


class CouncilDecisionInline(ServiceInline):
    records = None
    can_delete = False  # a council's decision is never deleted: take a council that has not decided off the case
    model = CouncilDecision
    fields = ["municipality", "case_number", "decided_on", "outcome", "amendments"]
    extra = 0

    def save_with_service(self, request, obj, reason: str, form=None):
        return services.council_decision_save(acting_user=request.user, reason=reason, decision=obj)


@admin.register(CouncilCase)
class CouncilCaseAdmin(ServiceAdmin):
    records = services.COUNCIL_CASES
    list_display = ["title", "subject", "sent_on", "collaboration", "visibility"]
    list_filter = ["collaboration", "subject", "visibility"]
    search_fields = ["title", "proposed_decision"]
    inlines = [CouncilDecisionInline]

    def save_with_service(self, request, obj, reason: str, form=None):
        return services.council_case_save(acting_user=request.user, reason=reason, council_case=obj)
