"""Routes of the Signaaltafel: minutes pages (included by urls.py)."""

from django.urls import path

from keten.signaltable import minutes_views

urlpatterns = [
    path("overleggen/<uuid:meeting_id>/verslag/", minutes_views.minutes_page, name="minutes"),
    path("overleggen/<uuid:meeting_id>/verslag.pdf", minutes_views.minutes_pdf_download, name="minutes-pdf"),
    path("overleggen/<uuid:meeting_id>/verslag/versturen/", minutes_views.minutes_send, name="minutes-send"),
]
