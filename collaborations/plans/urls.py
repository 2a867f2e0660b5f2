"""Plan periods and strategies, and revising a plan ("rullering")."""

from django.urls import path

from . import views

urlpatterns = [
    path("samarbeid/<slug:slug>/planer/", views.plan_list, name="plan_list"),
    path("samarbeid/<slug:slug>/planer/ny/", views.plan_create_view, name="plan_create"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/endre/", views.plan_edit, name="plan_edit"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/avslutt/", views.plan_close_view, name="plan_close"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/rullering/", views.plan_revise_view, name="plan_revise"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/strategier/ny/", views.strategy_create_view,
         name="strategy_create"),
    path("samarbeid/<slug:slug>/strategier/<int:strategy_id>/endre/", views.strategy_edit, name="strategy_edit"),
]
