"""Template tags and filters of the web app: the layout's data and NL Design System form rendering."""
