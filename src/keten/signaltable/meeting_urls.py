"""Routes of the Signaaltafel: meeting pages (included by urls.py)."""

urlpatterns = []
