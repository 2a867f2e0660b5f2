"""The collaborations, their members, networks and mergers."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
    path("samarbeid/<slug:slug>/", views.collaboration_detail, name="collaboration_detail"),
    path("samarbeid/<slug:slug>/forvaltning/", views.workspace, name="workspace"),
    path("samarbeid/<slug:slug>/medlemmer/", views.member_list, name="member_list"),
    path("samarbeid/<slug:slug>/medlemmer/ny/", views.member_add, name="member_add"),
    path("samarbeid/<slug:slug>/medlemmer/<int:municipality_id>/uttreden/", views.member_exit, name="member_exit"),
    path("samarbeid/<slug:slug>/fagnettverk/", views.network_list, name="network_list"),
    path("samarbeid/<slug:slug>/fagnettverk/nytt/", views.network_create, name="network_create"),
    path("samarbeid/<slug:slug>/fagnettverk/<int:network_id>/", views.network_detail, name="network_detail"),
    path("samarbeid/<slug:slug>/fagnettverk/<int:network_id>/endre/", views.network_edit, name="network_edit"),
    path("samarbeid/<slug:slug>/kommunesammenslaing/", views.merger, name="merger"),
]
