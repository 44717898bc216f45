"""Routes of the Signaaltafel: dossier pages (included by urls.py)."""

urlpatterns = []
