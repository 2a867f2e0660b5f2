"""The dashboards for politicians and the public."""

from django.urls import path

from . import views

urlpatterns = [
    path("samarbeid/<slug:slug>/oversikt/", views.overview, name="dashboard_overview"),
    path("samarbeid/<slug:slug>/strategi/<int:number>/", views.strategy_page, name="dashboard_strategy"),
    path("samarbeid/<slug:slug>/plan/<int:plan_id>/strategi/<int:number>/", views.strategy_page,
         name="dashboard_plan_strategy"),
    path("samarbeid/<slug:slug>/kommune/<str:number>/", views.municipality_page, name="dashboard_municipality"),
    path("samarbeid/<slug:slug>/vertskommuner/", views.host_balance, name="dashboard_host_balance"),
    path("samarbeid/<slug:slug>/prioritering/", views.priority_matrix, name="dashboard_priority"),
    path("samarbeid/<slug:slug>/kostnader/", views.costs, name="dashboard_costs"),
    path("samarbeid/<slug:slug>/tiltak/", views.measure_list, name="collaboration_measures"),
]
