"""Measures, status updates and documents."""

from django.urls import path

from . import views

urlpatterns = [
    path("mine-tiltak/", views.my_measures, name="my_measures"),
    path("tiltak/<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("tiltak/<int:measure_id>/status/", views.measure_status, name="measure_status"),
    path("tiltak/<int:measure_id>/del/<int:municipality_id>/", views.measure_part_status, name="measure_part_status"),
    path("samarbeid/<slug:slug>/tiltak/nytt/", views.measure_create_view, name="measure_create"),
    path("tiltak/<int:measure_id>/endre/", views.measure_edit, name="measure_edit"),
    path("tiltak/<int:measure_id>/avslutt/", views.measure_close_view, name="measure_close"),
    path("tiltak/<int:measure_id>/dokumenter/", views.document_upload_view, name="document_upload"),
    path("dokumenter/<int:document_id>/", views.document_download, name="document_download"),
    path("tiltak/<int:measure_id>/partner/<int:partner_id>/", views.measure_partner_status,
         name="measure_partner_status"),
]
