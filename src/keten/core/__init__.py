"""Shared ground for every app: the base model, domain errors and the clock."""
