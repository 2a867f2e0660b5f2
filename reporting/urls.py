from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("bestill/", views.generate, name="generate"),
    path("<int:job_id>/rad/", views.job_row, name="job_row"),
    path("<int:job_id>/last-ned/", views.download, name="download"),
    path("<int:job_id>/publiser/", views.publish, name="publish"),
    path("<int:job_id>/rett/", views.correct, name="correct"),
    path("<int:job_id>/lag-pa-nytt/", views.regenerate, name="regenerate"),
    path("<int:job_id>/slett/", views.delete, name="delete"),
    path("referat/<slug:slug>/<int:meeting_id>/", views.minutes, name="minutes"),
]
