"""The collaborations and their members."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
    path("samarbeid/<slug:slug>/", views.collaboration_detail, name="collaboration_detail"),
    path("samarbeid/<slug:slug>/forvaltning/", views.workspace, name="workspace"),
]
