"""Template tags of the social map."""
