"""The read-only JSON API and the CSV exports."""

from django.urls import path

from . import exports, views

urlpatterns = [
    path("api/samarbeid/", views.collaboration_list, name="api_collaborations"),
    path("api/samarbeid/<slug:slug>/tiltak/", views.measure_list, name="api_measures"),
    path("api/tiltak/<int:measure_id>/", views.measure_detail, name="api_measure"),
    path("samarbeid/<slug:slug>/tiltak.csv", exports.measures_csv, name="measures_csv"),
    path("tiltak/<int:measure_id>/tidslinje.csv", exports.measure_timeline_csv, name="measure_timeline_csv"),
]
