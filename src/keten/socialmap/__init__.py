"""Sociale kaart: who offers shelter and help to which victims and perpetrators, where, aligned with HSDS 3.0."""
