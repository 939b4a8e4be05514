"""manage.py eval_prompts TASK [--version N] [--against M] [--provider NAME] [--limit K] [--yes]

Runs a prompt version (the live one by default) over its task's evaluation set and prints a
table: each grader, the cost and the latency; with --against, the other version too, side by
side. The results are stored (the admin shows them next to the version) and the promotion gate
reads them. The offline provider is the default; before a paid provider is called, the
estimated cost is printed and must be confirmed (--yes confirms it).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from orchestrator.models import ProviderType
from orchestrator.snapshot import provider_chain

from ...evaluations import estimated_cost, evaluation_cases, evaluation_run, evaluation_set
from ...models import PromptVersion
from ...selectors import live_version


class Command(BaseCommand):
    help = "Evaluate a prompt version over its task's evaluation set."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names a prompt version here, not Django's own version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("task")
        parser.add_argument("--version", type=int, help="the version (default: the live one)")
        parser.add_argument("--against", type=int, help="a second version, side by side")
        parser.add_argument("--provider", default=ProviderType.OFFLINE)
        parser.add_argument("--limit", type=int, help="only the first K cases")
        parser.add_argument("--yes", action="store_true", help="spend without asking")

    def handle(self, *args, task: str, provider: str, limit: int | None, yes: bool, **options):
        if evaluation_set(task) is None:
            raise CommandError(f"The task {task!r} has no evaluation set.")
        versions = [self._version(task, options["version"])]
        if options["against"] is not None:
            versions.append(self._version(task, options["against"]))
        if not provider_chain(provider_type=provider):
            raise CommandError(f'No active provider of type "{provider}" is configured.')
        cases = evaluation_cases(task, limit=limit)
        if not cases:
            raise CommandError(f"The evaluation set of {task} has no case.")
        estimate = estimated_cost(provider_type=provider, cases=len(cases) * len(versions))
        if provider != ProviderType.OFFLINE and not yes:
            self.stdout.write(
                f"{len(cases) * len(versions)} calls to {provider} will cost up to about "
                f"${estimate:,.4f}."
            )
            if input("Go ahead? [y/N] ").strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing was run.")
        reports = [
            evaluation_run(version=version, provider_type=provider, cases=cases)
            for version in versions
        ]
        self._table([report.evaluation for report in reports])

    def _version(self, task: str, number: int | None) -> PromptVersion:
        if number is None:
            version = live_version(task)
            if version is None:
                raise CommandError(f"{task} has no live version: name one with --version.")
            return version
        version = PromptVersion.objects.filter(task=task, number=number).first()
        if version is None:
            raise CommandError(f"{task} has no version {number}.")
        return version

    def _table(self, evaluations) -> None:
        graders = list(dict.fromkeys(g for e in evaluations for g in e.figures))
        rows = [("", *(e.version.label for e in evaluations))]
        rows += [(g, *(f"{e.figures.get(g, 0):.3f}" for e in evaluations)) for g in graders]
        rows.append(("cases", *(str(e.cases) for e in evaluations)))
        rows.append(("cost", *(f"${e.cost_usd:,.4f}" for e in evaluations)))
        rows.append(("latency (mean ms)", *(str(e.latency_ms) for e in evaluations)))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
