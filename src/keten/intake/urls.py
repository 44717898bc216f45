"""Routes of the intake app: the public guide for front-desk staff (no login) and the signal pages."""

from django.urls import path

from keten.intake import guide_views, routing_views, task_views, views

app_name = "intake"

urlpatterns = [
    # The Aanmeldwijzer: public, for front-desk staff without an account.
    path("aanmeldwijzer/", guide_views.guide, name="guide"),
    path("aanmeldwijzer/advies/", guide_views.guide_advice, name="guide-advice"),
    path("aanmeldwijzer/tekst/<slug:lang>/", guide_views.guide_text, name="guide-text"),
    # The minimal signal of the guide: public, rate-limited, answers the same whatever exists.
    path("aanmeldwijzer/signaal/", views.guide_signal, name="guide-signal"),
    # Signals of professionals: the roles policy lets see them; each signal through policy (404 when out of reach).
    path("signalen/", views.signal_list, name="signal-list"),
    path("signalen/nieuw/", views.signal_create, name="signal-create"),
    path("signalen/te-laat/", views.signal_overdue, name="signal-overdue"),
    # While the intake form is filled in: does a value tie the signal to others the person may see?
    path("signalen/verbanden/", views.entity_hint, name="entity-hint"),
    # Routing rules: the national functional administrator only; the dry run writes nothing.
    path("signalen/routering/", routing_views.rule_list, name="routing-rule-list"),
    path("signalen/routering/nieuw/", routing_views.rule_create, name="routing-rule-create"),
    path("signalen/routering/proef/", routing_views.rule_trial, name="routing-trial"),
    path("signalen/routering/<uuid:rule_id>/", routing_views.rule_edit, name="routing-rule-edit"),
    # CoMensha's registration tasks: its registration officers only.
    path("signalen/registratietaken/", task_views.task_list, name="registration-task-list"),
    path("signalen/registratietaken/<uuid:task_id>/", task_views.task_complete, name="registration-task-complete"),
    path("signalen/<uuid:signal_id>/", views.signal_detail, name="signal-detail"),
    path("signalen/<uuid:signal_id>/stap/", views.signal_transition, name="signal-transition"),
    path("signalen/<uuid:signal_id>/bijlagen/", views.attachment_add, name="attachment-add"),
    path("signalen/<uuid:signal_id>/bijlagen/<uuid:attachment_id>/", views.attachment_download,
         name="attachment-download"),
]
