"""`manage.py link --rebuild`: re-link every signal with a progress bar, store the bundles as a new run, and turn
them into dossiers (keeping every change people made to dossiers)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from keten.signaltable.dossier_services import dossiers_sync
from keten.signaltable.services import link_rebuild

STAGES = ("normalise", "block", "train", "score", "cluster")


class Command(BaseCommand):
    help = "Link all signals again (after a model change, or nightly) and store the result as a new run."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="re-link everything (the only mode so far)")

    def handle(self, *args, **options):
        if not options["rebuild"]:
            raise CommandError("Say --rebuild to re-link every signal.")
        self.stderr.ending = ""  # tqdm writes its own carriage returns and line ends
        with tqdm(total=len(STAGES), desc="linking", unit="stage", disable=options["verbosity"] < 1,
                  file=self.stderr) as bar:
            done = set()

            def progress(stage: str, fraction: float) -> None:
                bar.set_postfix_str(stage)
                if fraction >= 1.0 and stage not in done:
                    done.add(stage)
                    bar.update(1)

            run, result = link_rebuild(progress=progress)
        synced = dossiers_sync(run)
        summary = result.summary()
        self.stdout.write(
            f"records {run.records}, links {run.links}, clusters {run.clusters} (person clusters "
            f"{summary['clusters_of_two_or_more']}), largest cluster {run.largest_cluster} signals, "
            f"time {run.seconds:.2f} s")
        self.stdout.write(f"dossiers: {len(synced.created)} created, {len(synced.extended)} extended")
