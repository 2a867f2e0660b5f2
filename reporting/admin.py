from django.contrib import admin

from .models import ReportBatch, ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Read-only: reports are ordered and published in the archive (/rapporter/),
    through the services that enforce the rules."""

    list_display = ["pk", "collaboration", "report_type", "municipality", "year", "cutoff", "status", "page_count",
                    "published_at"]
    list_filter = ["report_type", "status", "collaboration"]
    search_fields = ["collaboration__name", "municipality__name", "sha256"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published and super().has_delete_permission(request, obj)


@admin.register(ReportBatch)
class ReportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "collaboration", "report_type", "year", "cutoff", "requested_by", "created_at"]
    readonly_fields = [f.name for f in ReportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
