"""The API's JSON parser: DRF's, but a body nested too deep is refused with a clear 400 instead of a server error."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

#: No request of the API nests deeper than a few levels; anything far beyond this is an attack or a mistake.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(value, limit: int) -> bool:
    """Whether `value` nests lists and objects deeper than `limit`; iterative, so it cannot overflow itself."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class KetenJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's decoder recurses once per level: thousands of "[" exhaust the stack before it is done.
            raise ParseError(_("De JSON is te diep genest.")) from None
        except ParseError:
            # DRF's message quotes the decoder in English (and part of the body); ours says what is wrong.
            raise ParseError(_("De inhoud is geen geldige JSON in UTF-8.")) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(_("De JSON is te diep genest: hoogstens {depth} niveaus.").format(depth=MAX_JSON_DEPTH))
        return data
