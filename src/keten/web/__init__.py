"""The web front: base layout, navigation by role, home pages, and the health check."""
