from django.urls import path

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("samarbeid/<slug:slug>/", home.collaboration_detail, name="collaboration_detail"),
    # -- measures and status updates (issue 3) --
    # -- dashboards (issue 4) --
]
