"""Where each role lands, the audit trail, roles and people. Log-in and password pages: urls_accounts.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.start, name="start"),
    path("mine-samarbeid/", views.my_collaborations, name="my_collaborations"),
    path("samarbeid/<slug:slug>/revisjonsspor/", views.audit_trail, name="audit_trail"),
    path("samarbeid/<slug:slug>/roller/", views.collaboration_roles, name="collaboration_roles"),
    path("samarbeid/<slug:slug>/roller/inviter/", views.person_invite_view, name="person_invite"),
    path("samarbeid/<slug:slug>/roller/<int:assignment_id>/fjern/", views.role_revoke_view, name="role_revoke"),
    path("personer/<int:user_id>/", views.person_detail, name="person_detail"),
]
