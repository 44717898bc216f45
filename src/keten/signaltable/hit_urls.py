"""Routes of the Signaaltafel: hit pages (included by urls.py)."""

urlpatterns = []
