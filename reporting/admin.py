from django.contrib import admin

from collaborations.access.admin import ReadOnlyAdminMixin

from .models import ReportBatch, ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reports are ordered, published and deleted in the archive
    (/rapporter/), through the services that enforce the rules (a published
    report is never deleted; deleting a draft removes its file too)."""

    list_display = ["pk", "collaboration", "report_type", "municipality", "year", "cutoff", "status", "page_count",
                    "published_at"]
    list_filter = ["report_type", "status", "collaboration"]
    search_fields = ["collaboration__name", "municipality__name", "sha256"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "collaboration", "report_type", "year", "cutoff", "requested_by", "created_at"]
    readonly_fields = [f.name for f in ReportBatch._meta.fields]
