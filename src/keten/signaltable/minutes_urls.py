"""Routes of the Signaaltafel: minutes pages (included by urls.py)."""

urlpatterns = []
