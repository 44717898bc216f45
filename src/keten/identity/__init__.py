"""The identity store: pseudonymous subjects, their identifying attributes, and the entities that tie signals."""
