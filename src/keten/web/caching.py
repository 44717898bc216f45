"""Answers to someone logged in are never stored: not by the browser, not by a proxy."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateAnswersMiddleware:
    """Any answer to a logged-in person (a session, or an API key through DRF, which sets request.user too) can hold
    personal data, so it is marked `private, no-store`: the back button of a shared computer, or a proxy's cache,
    must not show it to the next person. Public pages (the guide, the social map, the kennisbank) keep their
    caching; static files never reach this middleware (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
