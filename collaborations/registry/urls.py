"""The collaborations, their members, networks and mergers, and their own
records: bodies, people, outside partners, population figures."""

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
    path("samarbeid/<slug:slug>/endre/", views.collaboration_edit, name="collaboration_edit"),
    path("samarbeid/<slug:slug>/organer/", views.body_list, name="body_list"),
    path("samarbeid/<slug:slug>/organer/nytt/", views.body_create, name="body_create"),
    path("samarbeid/<slug:slug>/organer/<int:body_id>/endre/", views.body_edit, name="body_edit"),
    path("samarbeid/<slug:slug>/organer/<int:body_id>/medlemmer/ny/", views.body_member_add, name="body_member_add"),
    path("samarbeid/<slug:slug>/organer/<int:body_id>/medlemmer/<int:member_id>/endre/", views.body_member_edit,
         name="body_member_edit"),
    path("samarbeid/<slug:slug>/organer/<int:body_id>/medlemmer/<int:member_id>/avslutt/", views.body_member_end,
         name="body_member_end"),
    path("samarbeid/<slug:slug>/personer/", views.person_list, name="person_list"),
    path("samarbeid/<slug:slug>/personer/ny/", views.person_create, name="person_create"),
    path("samarbeid/<slug:slug>/personer/<int:person_id>/endre/", views.person_edit, name="person_edit"),
    path("samarbeid/<slug:slug>/partnere/", views.partner_list, name="partner_list"),
    path("samarbeid/<slug:slug>/partnere/ny/", views.partner_create, name="partner_create"),
    path("samarbeid/<slug:slug>/partnere/<int:partner_id>/endre/", views.partner_edit, name="partner_edit"),
    path("samarbeid/<slug:slug>/innbyggertall/", views.population_list, name="population_list"),
    path("samarbeid/<slug:slug>/innbyggertall/ny/", views.population_create, name="population_create"),
    path("samarbeid/<slug:slug>/innbyggertall/<int:figure_id>/endre/", views.population_edit,
         name="population_edit"),
]
