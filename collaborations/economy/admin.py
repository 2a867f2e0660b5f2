"""Admin of cost keys and host agreements; every save goes through economy.services."""

from django.contrib import admin

from ..access.admin import ServiceAdmin, ServiceInline
from . import services
from .models import CostKey, HostAgreement, HostAgreementParticipant


@admin.register(CostKey)
class CostKeyAdmin(ServiceAdmin):
    records = services.COST_KEYS
    list_display = ["name", "collaboration", "fixed_share_percent", "population_share_percent", "population_year"]
    list_filter = ["collaboration", "population_year"]
    search_fields = ["name", "description"]


class HostAgreementParticipantInline(ServiceInline):
    records = services.AGREEMENT_PARTICIPANTS
    model = HostAgreementParticipant
    fields = ["municipality", "adopted_on", "case_number", "left_on"]


@admin.register(HostAgreement)
class HostAgreementAdmin(ServiceAdmin):
    """Saved through `agreement_save`: every change gives the agreement a new version."""

    records = services.AGREEMENTS
    list_display = ["service", "collaboration", "host", "legal_basis", "positions", "annual_cost", "cost_key",
                    "notice_months", "visibility"]
    list_filter = ["collaboration", "legal_basis", "visibility"]
    search_fields = ["service", "host__name", "delegated_authority"]
    readonly_fields = ["version"]
    inlines = [HostAgreementParticipantInline]

    def save_with_service(self, request, obj, reason, form=None):
        return services.agreement_save(acting_user=request.user, agreement=obj, reason=reason)
