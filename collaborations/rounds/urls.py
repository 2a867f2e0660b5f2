"""Reporting rounds."""

from django.urls import path

from . import views

urlpatterns = [
    path("samarbeid/<slug:slug>/rapporteringsrunder/", views.round_list, name="round_list"),
    path("samarbeid/<slug:slug>/rapporteringsrunder/<int:round_id>/", views.round_detail, name="round_detail"),
]
