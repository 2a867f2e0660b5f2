"""Admin of meetings, their numbered cases and subprojects; saves go through meetings.services."""

from django.contrib import admin

from ..access.admin import ServiceAdmin, ServiceInline
from . import services
from .models import Meeting, MeetingCase, Subproject


class MeetingCaseInline(ServiceInline):
    model = MeetingCase
    fields = ["number", "title", "conclusion", "follow_up_responsible", "follow_up_due", "visibility"]

    def save_with_service(self, request, obj, reason):
        services.case_save(acting_user=request.user, case=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.case_delete(acting_user=request.user, case=obj, reason=reason)


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    list_display = ["title", "held_on", "body", "place", "visibility"]
    list_filter = ["body__collaboration", "visibility"]
    search_fields = ["title", "place", "cases__title"]
    date_hierarchy = "held_on"
    inlines = [MeetingCaseInline]

    def save_with_service(self, request, obj, reason, form):
        return services.meeting_save(acting_user=request.user, meeting=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.meeting_delete(acting_user=request.user, meeting=obj, reason=reason)


@admin.register(Subproject)
class SubprojectAdmin(ServiceAdmin):
    list_display = ["code", "kind", "name", "parent", "collaboration"]
    list_filter = ["collaboration", "kind"]
    search_fields = ["code", "name"]

    def save_with_service(self, request, obj, reason, form):
        return services.subproject_save(acting_user=request.user, subproject=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.subproject_delete(acting_user=request.user, subproject=obj, reason=reason)
