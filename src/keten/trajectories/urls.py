"""Routes of trajectories."""

from django.urls import path

from keten.trajectories import views

app_name = "trajectories"

urlpatterns = [
    path("", views.trajectory_list, name="list"),
    path("start/<uuid:referral_id>/", views.trajectory_start, name="start"),
    path("<uuid:trajectory_id>/", views.trajectory_detail, name="detail"),
    path("<uuid:trajectory_id>/stap/", views.trajectory_step, name="step"),
]
