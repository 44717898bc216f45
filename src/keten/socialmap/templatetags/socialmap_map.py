"""Template tags of the map component: the tile layer from the settings, so every page with a map follows them."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict[str, str]:
    """The tile URL template and its attribution; an empty URL means no tiles, only the shipped boundaries."""
    return {"url": settings.KETEN_MAP_TILE_URL, "attribution": settings.KETEN_MAP_TILE_ATTRIBUTION}
