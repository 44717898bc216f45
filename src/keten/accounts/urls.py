"""Routes of the accounts app: a functional administrator's pages and the role switcher."""

from django.urls import path

from keten.accounts import views

app_name = "accounts"

urlpatterns = [
    path("rol/", views.membership_switch, name="membership-switch"),
    path("gebruikers/", views.user_list, name="user-list"),
    path("gebruikers/nieuw/", views.user_invite_view, name="user-invite"),
    path("gebruikers/<uuid:user_id>/", views.user_detail, name="user-detail"),
    path("gebruikers/<uuid:user_id>/deactiveren/", views.user_deactivate_view, name="user-deactivate"),
    path("rollen/<uuid:membership_id>/beeindigen/", views.membership_end_view, name="membership-end"),
    path("sleutels/", views.token_list, name="token-list"),
    path("sleutels/<uuid:token_id>/intrekken/", views.token_revoke_view, name="token-revoke"),
]
