"""Management commands of the core: the background worker."""
