"""Host agreements and cost keys."""

from django.urls import path

from . import views

urlpatterns = [
    path("samarbeid/<slug:slug>/avtaler/", views.agreement_list, name="agreement_list"),
    path("samarbeid/<slug:slug>/avtaler/ny/", views.agreement_create, name="agreement_create"),
    path("samarbeid/<slug:slug>/avtaler/<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("samarbeid/<slug:slug>/avtaler/<int:agreement_id>/endre/", views.agreement_edit, name="agreement_edit"),
    path("samarbeid/<slug:slug>/avtaler/<int:agreement_id>/deltakere/ny/", views.agreement_participant_add,
         name="agreement_participant_add"),
    path("samarbeid/<slug:slug>/avtaler/<int:agreement_id>/deltakere/<int:participant_id>/vedtak/",
         views.agreement_adoption, name="agreement_adoption"),
    path("samarbeid/<slug:slug>/avtaler/<int:agreement_id>/deltakere/<int:participant_id>/uttreden/",
         views.agreement_participant_leave_view, name="agreement_participant_leave"),
    path("samarbeid/<slug:slug>/kostnadsnokler/", views.cost_key_list, name="cost_key_list"),
    path("samarbeid/<slug:slug>/kostnadsnokler/ny/", views.cost_key_form, name="cost_key_create"),
    path("samarbeid/<slug:slug>/kostnadsnokler/<int:key_id>/endre/", views.cost_key_form, name="cost_key_edit"),
]
