"""Import of measures from a spreadsheet."""

from django.urls import path

from . import views

urlpatterns = [
    path("samarbeid/<slug:slug>/import/", views.import_upload, name="import_upload"),
    path("samarbeid/<slug:slug>/import/mal.csv", views.import_template, name="import_template"),
    path("samarbeid/<slug:slug>/import/<str:token>/", views.import_preview, name="import_preview"),
    path("samarbeid/<slug:slug>/import/<str:token>/bekreft/", views.import_confirm, name="import_confirm"),
]
