"""Routes of the Signaaltafel (/signaaltafel/): dossiers and the changes people make to them, meetings with their
agenda, minutes, and the hit/no-hit question. Each part keeps its routes beside its views."""

from keten.signaltable import dossier_change_urls, dossier_urls, hit_urls, link_urls, meeting_urls, minutes_urls

app_name = "signaltable"

urlpatterns = [*dossier_urls.urlpatterns, *dossier_change_urls.urlpatterns, *meeting_urls.urlpatterns,
               *minutes_urls.urlpatterns, *hit_urls.urlpatterns, *link_urls.urlpatterns]
