"""Meetings and minutes, cases and follow-ups, joint council cases, the annual wheel and its calendars."""

from django.urls import path

from . import views

MEETING = "samarbeid/<slug:slug>/moter/<int:meeting_id>/"
CASE = MEETING + "saker/<int:case_id>/"
COUNCIL_CASE = "samarbeid/<slug:slug>/fellessaker/<int:council_case_id>/"

urlpatterns = [
    path("samarbeid/<slug:slug>/moter/", views.meeting_list, name="meeting_list"),
    path("samarbeid/<slug:slug>/moter/nytt/", views.meeting_create, name="meeting_create"),
    path("samarbeid/<slug:slug>/oppfolging/", views.follow_up_list, name="follow_up_list"),
    path(MEETING, views.meeting_detail, name="meeting_detail"),
    path(MEETING + "endre/", views.meeting_edit, name="meeting_edit"),
    path(MEETING + "saker/ny/", views.case_create, name="case_create"),
    path(CASE + "endre/", views.case_edit, name="case_edit"),
    path(CASE + "oppfolging/ny/", views.follow_up_create, name="follow_up_create"),
    path(CASE + "oppfolging/<int:follow_up_id>/endre/", views.follow_up_edit, name="follow_up_edit"),
    path("samarbeid/<slug:slug>/fellessaker/", views.council_case_list, name="council_case_list"),
    path("samarbeid/<slug:slug>/fellessaker/ny/", views.council_case_create, name="council_case_create"),
    path(COUNCIL_CASE, views.council_case_detail, name="council_case_detail"),
    path(COUNCIL_CASE + "endre/", views.council_case_edit, name="council_case_edit"),
    path(COUNCIL_CASE + "vedtak/<int:decision_id>/", views.council_decision_edit, name="council_decision_edit"),
    path(COUNCIL_CASE + "vedlegg/ny/", views.council_case_attachment_add, name="council_case_attachment_add"),
    path(COUNCIL_CASE + "vedlegg/<int:attachment_id>/", views.council_case_attachment,
         name="council_case_attachment"),
    path("samarbeid/<slug:slug>/arshjul/", views.wheel, name="wheel"),
    path("samarbeid/<slug:slug>/arshjul/nytt/", views.wheel_item_create, name="wheel_item_create"),
    path("samarbeid/<slug:slug>/arshjul/<int:item_id>/endre/", views.wheel_item_edit, name="wheel_item_edit"),
    path("samarbeid/<slug:slug>/arshjul.ics", views.wheel_ics, name="wheel_ics"),
    path("mine-samarbeid/kalender/", views.my_calendar, name="my_calendar"),
    path("kalender/<str:token>.ics", views.personal_ics, name="personal_ics"),
]
