"""Admin of meetings, their numbered cases and subprojects; saves go through meetings.services."""

from django.contrib import admin

from ..access.admin import ServiceAdmin, ServiceInline
from . import services
from .models import Meeting, MeetingCase, Subproject


class MeetingCaseInline(ServiceInline):
    records = services.CASES
    model = MeetingCase
    fields = ["number", "title", "conclusion", "follow_up_responsible", "follow_up_due", "visibility"]


@admin.register(Meeting)
class MeetingAdmin(ServiceAdmin):
    records = services.MEETINGS
    list_display = ["title", "held_on", "body", "place", "visibility"]
    list_filter = ["body__collaboration", "visibility"]
    search_fields = ["title", "place", "cases__title"]
    date_hierarchy = "held_on"
    inlines = [MeetingCaseInline]


@admin.register(Subproject)
class SubprojectAdmin(ServiceAdmin):
    records = services.SUBPROJECTS
    list_display = ["code", "kind", "name", "parent", "collaboration"]
    list_filter = ["collaboration", "kind"]
    search_fields = ["code", "name"]
