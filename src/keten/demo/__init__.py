"""Synthetic demo data: organisations of every type in two regions and one demo user per role."""
