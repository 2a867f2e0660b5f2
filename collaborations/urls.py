"""Every page of the domain, by feature. Account pages are in access/urls_accounts.py."""

from django.urls import path

from .access import views as access
from .api import exports
from .api import views as api
from .dashboards import views as dashboards
from .imports import views as imports
from .portfolio import views as portfolio
from .registry import views as registry
from .rounds import views as rounds

urlpatterns = [
    # -- registry --
    path("", registry.home, name="home"),
    path("helse/", registry.health, name="health"),
    path("samarbeid/<slug:slug>/", registry.collaboration_detail, name="collaboration_detail"),
    # -- portfolio: measures, status updates, documents --
    path("mine-tiltak/", portfolio.my_measures, name="my_measures"),
    path("tiltak/<int:measure_id>/", portfolio.measure_detail, name="measure_detail"),
    path("tiltak/<int:measure_id>/status/", portfolio.measure_status, name="measure_status"),
    path("tiltak/<int:measure_id>/del/<int:municipality_id>/", portfolio.measure_part_status,
         name="measure_part_status"),
    path("tiltak/<int:measure_id>/endre/", portfolio.measure_edit, name="measure_edit"),
    path("tiltak/<int:measure_id>/dokumenter/", portfolio.document_upload_view, name="document_upload"),
    path("dokumenter/<int:document_id>/", portfolio.document_download, name="document_download"),
    # -- reporting rounds --
    path("samarbeid/<slug:slug>/rapporteringsrunder/", rounds.round_list, name="round_list"),
    path("samarbeid/<slug:slug>/rapporteringsrunder/<int:round_id>/", rounds.round_detail, name="round_detail"),
    # -- dashboards --
    path("samarbeid/<slug:slug>/oversikt/", dashboards.overview, name="dashboard_overview"),
    path("samarbeid/<slug:slug>/strategi/<int:number>/", dashboards.strategy_page, name="dashboard_strategy"),
    path("samarbeid/<slug:slug>/kommune/<str:number>/", dashboards.municipality_page,
         name="dashboard_municipality"),
    path("samarbeid/<slug:slug>/vertskommuner/", dashboards.host_balance, name="dashboard_host_balance"),
    path("samarbeid/<slug:slug>/prioritering/", dashboards.priority_matrix, name="dashboard_priority"),
    path("samarbeid/<slug:slug>/kostnader/", dashboards.costs, name="dashboard_costs"),
    path("samarbeid/<slug:slug>/tiltak/", dashboards.measure_list, name="collaboration_measures"),
    # -- access: where each role lands, and the audit trail --
    path("start/", access.start, name="start"),
    path("mine-samarbeid/", access.my_collaborations, name="my_collaborations"),
    path("samarbeid/<slug:slug>/revisjonsspor/", access.audit_trail, name="audit_trail"),
    # -- api and exports --
    path("api/samarbeid/", api.collaboration_list, name="api_collaborations"),
    path("api/samarbeid/<slug:slug>/tiltak/", api.measure_list, name="api_measures"),
    path("api/tiltak/<int:measure_id>/", api.measure_detail, name="api_measure"),
    path("samarbeid/<slug:slug>/tiltak.csv", exports.measures_csv, name="measures_csv"),
    # -- import --
    path("samarbeid/<slug:slug>/import/", imports.import_upload, name="import_upload"),
    path("samarbeid/<slug:slug>/import/mal.csv", imports.import_template, name="import_template"),
    path("samarbeid/<slug:slug>/import/<str:token>/", imports.import_preview, name="import_preview"),
    path("samarbeid/<slug:slug>/import/<str:token>/bekreft/", imports.import_confirm, name="import_confirm"),
]
