from django.urls import path

from .views import api, dashboards, documents, exports, home, measures, rounds
from .views import imports as measure_imports

urlpatterns = [
    path("", home.home, name="home"),
    path("samarbeid/<slug:slug>/", home.collaboration_detail, name="collaboration_detail"),
    # -- measures and status updates (issue 3) --
    path("mine-tiltak/", measures.my_measures, name="my_measures"),
    path("tiltak/<int:measure_id>/", measures.measure_detail, name="measure_detail"),
    path("tiltak/<int:measure_id>/status/", measures.measure_status, name="measure_status"),
    path("tiltak/<int:measure_id>/del/<int:municipality_id>/", measures.measure_part_status,
         name="measure_part_status"),
    path("tiltak/<int:measure_id>/endre/", measures.measure_edit, name="measure_edit"),
    path("tiltak/<int:measure_id>/dokumenter/", documents.document_upload_view, name="document_upload"),
    path("dokumenter/<int:document_id>/", documents.document_download, name="document_download"),
    path("samarbeid/<slug:slug>/rapporteringsrunder/", rounds.round_list, name="round_list"),
    path("samarbeid/<slug:slug>/rapporteringsrunder/<int:round_id>/", rounds.round_detail, name="round_detail"),
    # -- dashboards (issue 4) --
    path("helse/", home.health, name="health"),
    path("samarbeid/<slug:slug>/oversikt/", dashboards.overview, name="dashboard_overview"),
    path("samarbeid/<slug:slug>/strategi/<int:number>/", dashboards.strategy_page, name="dashboard_strategy"),
    path("samarbeid/<slug:slug>/kommune/<str:number>/", dashboards.municipality_page,
         name="dashboard_municipality"),
    path("samarbeid/<slug:slug>/vertskommuner/", dashboards.host_balance, name="dashboard_host_balance"),
    path("samarbeid/<slug:slug>/prioritering/", dashboards.priority_matrix, name="dashboard_priority"),
    path("samarbeid/<slug:slug>/tiltak/", dashboards.measure_list, name="collaboration_measures"),
    # -- api and exports --
    path("api/samarbeid/", api.collaboration_list, name="api_collaborations"),
    path("api/samarbeid/<slug:slug>/tiltak/", api.measure_list, name="api_measures"),
    path("api/tiltak/<int:measure_id>/", api.measure_detail, name="api_measure"),
    path("samarbeid/<slug:slug>/tiltak.csv", exports.measures_csv, name="measures_csv"),
    # -- import --
    path("samarbeid/<slug:slug>/import/", measure_imports.import_upload, name="import_upload"),
    path("samarbeid/<slug:slug>/import/mal.csv", measure_imports.import_template, name="import_template"),
    path("samarbeid/<slug:slug>/import/<str:token>/", measure_imports.import_preview, name="import_preview"),
    path("samarbeid/<slug:slug>/import/<str:token>/bekreft/", measure_imports.import_confirm,
         name="import_confirm"),
]
