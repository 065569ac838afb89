"""Speed and quality of the similarity backends.

    python bench/similarity.py            # full run, about 3 to 5 minutes on 2 cores
    python bench/similarity.py --json     # one JSON line per backend
    python bench/similarity.py --n 2000 --e5-budget 30   # quick look

Speed: a seeded corpus of French-like notes and proposals made from templates;
index build time, then "most similar 5" (with explanations) for --queries of them.
E5 embeds about 13 to 40 short texts a second on 2 shared cores, so its corpus is
cut to what fits in --e5-budget seconds; the output says which size it used, and
the trigram baseline is also timed on that size so the ratios compare like with
like.

Quality: tests/review/labelled_pairs.json, with precision and recall at a
threshold (trigram: Decidim's fixed 0.25; the others: the cut-off with the best
TPR - FPR on the set itself, which flatters them and is said so) and recall at 5.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rebours.review.similarity import (  # noqa: E402 - after the sys.path line above
    DECIDIM_THRESHOLD,
    Backend,
    Document,
    E5Backend,
    TfidfBackend,
    TrigramBackend,
)
from rebours.review.similarity.evaluate import Quality, evaluate, pairs_from_json  # noqa: E402

LABELLED = ROOT / "tests" / "review" / "labelled_pairs.json"

# Vocabulary for the generated corpus, by theme: enough words that the lexical
# indexes have a realistic vocabulary, few enough that texts overlap as a real
# workshop's do.
THEMES: dict[str, dict[str, list[str]]] = {
    "alimentation": {
        "objets": [
            "une cantine bio",
            "un marché de producteurs",
            "des jardins partagés",
            "une légumerie",
            "une épicerie solidaire",
            "des vergers communaux",
            "un magasin de producteurs",
            "des repas végétariens",
        ],
        "buts": [
            "manger local",
            "soutenir les paysans",
            "réduire le gaspillage",
            "rendre le bio accessible",
            "raccourcir les circuits",
        ],
    },
    "énergie": {
        "objets": [
            "des panneaux solaires",
            "une éolienne citoyenne",
            "un réseau de chaleur",
            "l'isolation des logements",
            "un méthaniseur",
            "des chaudières à bois",
            "l'extinction de l'éclairage nocturne",
        ],
        "buts": [
            "baisser les factures",
            "produire une énergie renouvelable",
            "sortir du fioul",
            "économiser l'électricité",
            "lutter contre la précarité",
        ],
    },
    "éducation": {
        "objets": [
            "l'aide aux devoirs",
            "des classes en plein air",
            "un atelier de réparation",
            "des cours d'éducation aux médias",
            "un potager pédagogique",
            "des langues régionales",
            "un journal scolaire",
        ],
        "buts": [
            "lutter contre le décrochage",
            "éveiller la curiosité",
            "apprendre autrement",
            "former des citoyens",
            "ouvrir l'école sur le quartier",
        ],
    },
    "ruralité": {
        "objets": [
            "une maison de santé",
            "un commerce multiservice",
            "un transport à la demande",
            "la fibre optique",
            "une navette vers la gare",
            "un tiers-lieu rural",
            "des logements pour les saisonniers",
        ],
        "buts": [
            "garder des services au village",
            "rompre l'isolement",
            "attirer des familles",
            "faciliter les déplacements",
            "faire vivre les bourgs",
        ],
    },
    "citoyenneté": {
        "objets": [
            "un budget participatif",
            "une assemblée tirée au sort",
            "un droit de pétition",
            "la diffusion des conseils municipaux",
            "un conseil des jeunes",
            "des référendums locaux",
        ],
        "buts": [
            "associer les habitants",
            "rendre les décisions transparentes",
            "redonner confiance",
            "faire entendre les jeunes",
            "réduire l'abstention",
        ],
    },
    "numérique": {
        "objets": [
            "des conseillers numériques",
            "des logiciels libres",
            "des ordinateurs reconditionnés",
            "un wifi public",
            "des ateliers sur les écrans",
            "des données ouvertes",
        ],
        "buts": [
            "réduire la fracture numérique",
            "garder la maîtrise des données",
            "limiter les déchets électroniques",
            "accompagner les démarches en ligne",
        ],
    },
    "créativité": {
        "objets": [
            "des résidences d'artistes",
            "une fresque murale",
            "une instrumenthèque",
            "un festival en plein air",
            "un atelier de théâtre",
            "un fablab",
        ],
        "buts": [
            "rendre la culture accessible",
            "embellir le quartier",
            "créer du lien",
            "révéler les talents",
            "animer les villages",
        ],
    },
    "administration": {
        "objets": [
            "un guichet unique",
            "des courriers en langage clair",
            "un accueil téléphonique humain",
            "des horaires d'ouverture élargis",
            "des formulaires simplifiés",
        ],
        "buts": [
            "simplifier les démarches",
            "mieux accueillir les usagers",
            "rapprocher les services publics",
            "gagner du temps",
        ],
    },
}
VERBS = [
    "Créer",
    "Développer",
    "Installer",
    "Financer",
    "Soutenir",
    "Généraliser",
    "Ouvrir",
    "Expérimenter",
    "Mettre en place",
    "Multiplier",
]
PLACES = [
    "dans chaque commune",
    "dans les quartiers",
    "dans les villages",
    "dans les lycées",
    "dans les collèges",
    "dans la vallée",
    "sur tout le territoire",
    "près des gares",
    "dans les bourgs-centres",
    "dans les zones d'activité",
]
WHO = [
    "les habitants",
    "les familles",
    "les jeunes",
    "les aînés",
    "les agriculteurs",
    "les associations",
    "les élus",
    "les agents",
    "les écoles",
    "les entreprises locales",
]
EXTRA = [
    "Un comité de suivi réunirait {who} chaque trimestre.",
    "Le projet serait d'abord testé pendant deux ans {place}.",
    "La région pourrait financer la moitié du coût avec {who}.",
    "Il faudrait associer {who} dès le départ.",
    "Un bilan public serait présenté après la première année.",
]
NOTES = [
    "Idée : {objet} {place} ?",
    "Penser à {objet} pour {but}.",
    "{who} demandent {objet}.",
    "Et si on faisait {objet} {place} pour {but} ?",
    "Note : {but}, peut-être avec {objet}.",
]


def generate_corpus(n: int, seed: int) -> list[Document]:
    """`n` notes and proposals (about one note for two proposals), reproducible."""
    rng = random.Random(seed)
    themes = list(THEMES)
    docs = []
    for i in range(n):
        vocab = THEMES[rng.choice(themes)]
        words = {
            "objet": rng.choice(vocab["objets"]),
            "but": rng.choice(vocab["buts"]),
            "place": rng.choice(PLACES),
            "who": rng.choice(WHO),
        }
        group = f"atelier-{rng.randrange(40):02d}"
        if rng.random() < 0.35:
            text = rng.choice(NOTES).format(**words)
            docs.append(Document(f"note-{i}", text[0].upper() + text[1:], group=group))
            continue
        verb = rng.choice(VERBS)
        title = f"{verb} {words['objet']}"
        text = f"{verb} {words['objet']} {words['place']} pour {words['but']}."
        for _ in range(rng.randrange(3)):
            text += " " + rng.choice(EXTRA).format(**words)
        docs.append(Document(f"prop-{i}", text, title=title, group=group))
    return docs


def time_backend(
    backend: Backend,
    docs: list[Document],
    n_queries: int,
    seed: int,
    vectors: dict[str, np.ndarray] | None = None,
    embed_s: float = 0.0,
) -> dict:
    """Build time (plus `embed_s` already spent embedding `vectors`) and query time."""
    start = time.perf_counter()
    index = backend.build(docs, vectors)
    build = time.perf_counter() - start + embed_s
    queries = random.Random(seed + 1).sample([d.id for d in docs], min(n_queries, len(docs)))
    # Warm-up: the first score blocks pay for page faults and lazy statistics
    # (explanations' document frequencies), which a long-running server pays once.
    index.most_similar_many(queries[:200], top=5, explain=False)
    index.most_similar_many(queries[:20], top=5)
    start = time.perf_counter()
    index.most_similar_many(queries, top=5, explain=False)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    results = index.most_similar_many(queries, top=5)
    query = time.perf_counter() - start
    explained = sum(bool(m.shared_terms or m.passages) for ms in results for m in ms)
    returned = sum(len(ms) for ms in results)
    return {
        "corpus": len(docs),
        "build_s": build,
        "queries": len(queries),
        "query_ms_per_item": 1000 * query / max(1, len(queries)),
        "scores_only_ms_per_item": 1000 * bare / max(1, len(queries)),
        "explained_share": explained / max(1, returned),
    }


def embed_within(
    backend: E5Backend, docs: list[Document], budget_s: float
) -> tuple[dict[str, np.ndarray], float]:
    """Embed `docs` in order, in chunks, until `budget_s` seconds are spent.

    A rate measured up front is no guide on shared cores (other jobs come and go),
    so the budget is enforced while embedding. Returns the vectors and the time.
    """
    backend.embed(["chargement du modèle"])  # load the model outside the measurement
    vectors: dict[str, np.ndarray] = {}
    start = time.perf_counter()
    for first in range(0, len(docs), 128):
        chunk = docs[first : first + 128]
        for doc, vec in zip(chunk, backend.embed([d.full_text for d in chunk]), strict=True):
            vectors[doc.id] = vec
        if time.perf_counter() - start > budget_s:
            break
    return vectors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="generated corpus size")
    parser.add_argument("--queries", type=int, default=1_000, help="'most similar 5' queries")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--e5-budget",
        type=float,
        default=120.0,
        help="seconds E5 may spend embedding the corpus; its corpus is cut to fit",
    )
    parser.add_argument("--no-e5", action="store_true", help="skip the embedding backend")
    parser.add_argument("--json", action="store_true", help="one JSON line per backend")
    args = parser.parse_args()

    def say(line: str = "") -> None:
        if not args.json:
            print(line, flush=True)

    docs = generate_corpus(args.n, args.seed)
    pairs = pairs_from_json(json.loads(LABELLED.read_text(encoding="utf-8")))
    say(
        f"Corpus: {len(docs)} generated notes and proposals (seed {args.seed}); "
        f"labelled set: {len(pairs)} pairs ({sum(p.same for p in pairs)} same)."
    )

    rows: dict[str, dict] = {}
    trigram = TrigramBackend()
    rows["trigram"] = time_backend(trigram, docs, args.queries, args.seed)
    rows["tfidf"] = time_backend(TfidfBackend(), docs, args.queries, args.seed)
    e5 = E5Backend()
    if not args.no_e5 and e5.available():
        vectors, spent = embed_within(e5, docs, args.e5_budget)
        size = len(vectors)
        rate = size / spent
        if size < len(docs):
            say(
                f"E5 embedded {rate:.1f} texts/s here: all {len(docs)} would take "
                f"~{len(docs) / rate:.0f} s, so E5 is timed on the first {size} "
                f"(--e5-budget {args.e5_budget:.0f} s)."
            )
        rows["e5"] = time_backend(e5, docs[:size], args.queries, args.seed, vectors, spent)
        rows["e5"]["embed_texts_per_s"] = rate
        if size < len(docs):
            rows["trigram_same_size"] = time_backend(trigram, docs[:size], args.queries, args.seed)

    quality: dict[str, Quality] = {
        "trigram": evaluate(trigram, pairs, threshold=DECIDIM_THRESHOLD),
        "tfidf": evaluate(TfidfBackend(), pairs),
        "tfidf_default": evaluate(TfidfBackend(), pairs, threshold=TfidfBackend.threshold),
    }
    if "e5" in rows:
        quality["e5"] = evaluate(e5, pairs)

    for name, row in rows.items():
        base = rows["trigram"]
        if name in ("e5", "trigram_same_size") and "trigram_same_size" in rows:
            base = rows["trigram_same_size"]
        row["build_vs_trigram"] = row["build_s"] / base["build_s"]
        row["query_vs_trigram"] = row["query_ms_per_item"] / base["query_ms_per_item"]

    if args.json:
        for name, row in rows.items():
            line: dict = {"backend": name, **row}
            for qname, q in quality.items():
                if qname.split("_")[0] == name.split("_")[0] and name != "trigram_same_size":
                    line[f"quality_{qname}"] = asdict(q)
            print(json.dumps(line))
        return

    say()
    say("Speed: build the index, then 'most similar 5' for each query, with explanations")
    say("(ms/query; 'bare' without explanations; ratios against trigram on the same corpus)")
    say(
        f"{'backend':<18}{'docs':>7}{'build s':>9}{'ms/query':>10}{'bare':>7}"
        f"{'build/trgm':>12}{'query/trgm':>12}{'explained':>11}"
    )
    for name, r in rows.items():
        say(
            f"{name:<18}{r['corpus']:>7}{r['build_s']:>9.2f}{r['query_ms_per_item']:>10.2f}"
            f"{r['scores_only_ms_per_item']:>7.2f}"
            f"{r['build_vs_trigram']:>11.1f}x{r['query_vs_trigram']:>11.1f}x"
            f"{r['explained_share']:>10.0%}"
        )
    say()
    say(f"Quality on the labelled set ({len(pairs)} pairs)")
    say(
        f"{'backend':<14}{'threshold':>10}  {'precision':>9}{'recall':>8}{'F1':>6}"
        f"{'recall@5':>10}  threshold from"
    )
    for name, q in quality.items():
        say(
            f"{name:<14}{q.threshold:>10.3f}  {q.precision:>9.2f}{q.recall:>8.2f}{q.f1:>6.2f}"
            f"{q.recall_at_k:>10.2f}  {q.threshold_note}"
        )
    same = sum(p.same for p in pairs)
    say(
        f"(Flagging every pair would give precision {same / len(pairs):.2f}, recall 1.00, "
        f"F1 {2 * same / (same + len(pairs)):.2f}; recall@5 by chance "
        f"~{5 / (2 * len(pairs) - 1):.2f}.)"
    )


if __name__ == "__main__":
    main()
