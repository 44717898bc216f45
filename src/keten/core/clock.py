"""One place to ask the time, so tests and deadlines agree on what 'now' is."""

from django.utils import timezone


def now():
    return timezone.now()


def today():
    return timezone.localdate()
