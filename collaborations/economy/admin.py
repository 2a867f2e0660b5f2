"""Admin of cost keys and host agreements; every save goes through economy.services."""

from django.contrib import admin

from ..access.admin import ServiceAdmin, ServiceInline
from . import services
from .models import CostKey, HostAgreement, HostAgreementParticipant


@admin.register(CostKey)
class CostKeyAdmin(ServiceAdmin):
    list_display = ["name", "collaboration", "fixed_share_percent", "population_share_percent", "population_year"]
    list_filter = ["collaboration", "population_year"]
    search_fields = ["name", "description"]

    def save_with_service(self, request, obj, reason, form):
        return services.cost_key_save(acting_user=request.user, cost_key=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.cost_key_delete(acting_user=request.user, cost_key=obj, reason=reason)


class HostAgreementParticipantInline(ServiceInline):
    model = HostAgreementParticipant
    fields = ["municipality", "adopted_on", "case_number", "left_on"]

    def save_with_service(self, request, obj, reason):
        services.agreement_participant_save(acting_user=request.user, participant=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.agreement_participant_delete(acting_user=request.user, participant=obj, reason=reason)


@admin.register(HostAgreement)
class HostAgreementAdmin(ServiceAdmin):
    list_display = ["service", "collaboration", "host", "legal_basis", "positions", "annual_cost", "cost_key",
                    "notice_months", "visibility"]
    list_filter = ["collaboration", "legal_basis", "visibility"]
    search_fields = ["service", "host__name", "delegated_authority"]
    readonly_fields = ["version"]
    inlines = [HostAgreementParticipantInline]

    def save_with_service(self, request, obj, reason, form):
        return services.agreement_save(acting_user=request.user, agreement=obj, reason=reason)

    def delete_with_service(self, request, obj, reason):
        services.agreement_delete(acting_user=request.user, agreement=obj, reason=reason)
