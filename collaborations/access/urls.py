"""Where each role lands, and the audit trail. Log-in and password pages: urls_accounts.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.start, name="start"),
    path("mine-samarbeid/", views.my_collaborations, name="my_collaborations"),
    path("samarbeid/<slug:slug>/revisjonsspor/", views.audit_trail, name="audit_trail"),
]
