"""Management commands of the regions app."""
