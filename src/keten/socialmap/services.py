"""Writes of the social map: loading Keten's vocabularies (more use cases follow with editing)."""

from django.db import transaction

from keten.socialmap.models import Taxonomy, TaxonomyTerm
from keten.socialmap.taxonomy import VOCABULARIES


@transaction.atomic
def load_taxonomies() -> int:
    """Create or update every vocabulary and term of keten.socialmap.taxonomy; returns the number of terms."""
    count = 0
    for vocabulary in VOCABULARIES:
        taxonomy, _created = Taxonomy.objects.update_or_create(
            name=vocabulary.name, defaults={"description": vocabulary.description})
        terms = {}
        for term in vocabulary.terms:  # parents come before their children in the data
            terms[term.code], _created = TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy, code=term.code,
                defaults={"name": term.name, "description": term.description,
                          "parent": terms.get(term.parent)})
            count += 1
    return count
