"""`manage.py rebuild_search_index`: recompute the social map's search index from its source tables, after a
bulk load, a restore, or a change to the order of the vocabularies."""

from django.core.management.base import BaseCommand

from keten.socialmap import search_index
from keten.socialmap.models import SearchPoint, SearchService


class Command(BaseCommand):
    help = "Recompute the social map's search index (SearchService, SearchPoint) from the source tables."

    def handle(self, *args, **options):
        search_index.rebuild()
        self.stdout.write(f"Search index rebuilt: {SearchService.objects.count()} services, "
                          f"{SearchPoint.objects.count()} public points.")
