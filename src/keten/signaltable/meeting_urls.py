"""Routes of the Signaaltafel: meeting pages (included by urls.py)."""

from django.urls import path

from keten.signaltable import meeting_views as views

urlpatterns = [
    path("overleggen/", views.meeting_list, name="meeting-list"),
    path("overleggen/nieuw/", views.meeting_create, name="meeting-create"),
    path("overleggen/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("overleggen/<uuid:meeting_id>/deelnemers/", views.meeting_participants, name="meeting-participants"),
    path("overleggen/<uuid:meeting_id>/agenda/", views.meeting_agenda, name="meeting-agenda"),
    path("overleggen/<uuid:meeting_id>/punt/<uuid:item_id>/", views.agenda_item, name="agenda-item"),
    path("acties/<uuid:action_id>/", views.action_update, name="action-update"),
    path("dossiers/<uuid:dossier_id>/agenderen/", views.dossier_request, name="dossier-request"),
]
