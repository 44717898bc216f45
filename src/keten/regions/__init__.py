"""Region layers and municipalities of the Netherlands, the reference-data loader and postcode lookup."""
