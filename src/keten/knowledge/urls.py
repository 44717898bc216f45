"""Routes of the kennisbank: public pages, and the keeping pages of the national functional administrator."""

from django.urls import path

from keten.knowledge import edit_views, views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("zoeken/", views.search, name="search"),
    path("begrippen/", views.term_list, name="term-list"),
    path("begrippen/<slug:slug>/", views.term_detail, name="term"),
    path("wie-doet-wat/", views.profile_list, name="profile-list"),
    path("wie-doet-wat/<slug:code>/", views.profile_detail, name="profile"),
    path("zorgcoordinator/", views.care_coordinator, name="care-coordinator"),
    path("regio/", views.region_list, name="region-list"),
    path("regio/<str:code>/", views.region_detail, name="region"),
    path("gemeente/<str:code>/", views.municipality, name="municipality"),
    path("beheer/", edit_views.review_list, name="review-list"),
    path("beheer/begrippen/<slug:slug>/", edit_views.definition_edit, name="definition-edit"),
    path("beheer/wie-doet-wat/<slug:code>/", edit_views.profile_edit, name="profile-edit"),
    path("beheer/zorgcoordinator/", edit_views.role_edit, name="role-edit"),
    path("beheer/regio/<str:layer>/<str:code>/", edit_views.region_note_edit, name="region-note-edit"),
    path("beheer/geschiedenis/<uuid:record_id>/", edit_views.history, name="history"),
]
