"""Organisations, users and their memberships (role + region), login with MFA, and API tokens."""
