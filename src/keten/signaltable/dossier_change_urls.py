"""Routes of the Signaaltafel: dossier change pages (included by urls.py)."""

urlpatterns = []
