"""Routes of notifications: every logged-in role has its own list; marking read is a POST on one's own notices."""

from django.urls import path

from keten.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("alles-gelezen/", views.notification_mark_all_read, name="mark-all-read"),
    path("<uuid:notification_id>/gelezen/", views.notification_mark_read, name="mark-read"),
]
