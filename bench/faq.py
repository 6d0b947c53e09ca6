"""Benchmark the FAQ matcher: accuracy on the eval sets, latency, build time and memory.

Run from the repository root: `.venv/bin/python -m bench.faq [--file PATH ...] [--lexical]`.
Measures the matcher as the bot runs it (the learned ranker over lexical and semantic evidence;
`--lexical`: the lexical half alone; `--repeat N`: each question's fastest of N runs, for
latency on a busy shared host). Prints figures and the misses; never asserts
(tests/features/faq/test_matching.py holds the floors). `--club-entries N` also gives one
server the first N club entries of tests/data/club_entries.yaml and asks every question both
ways (the figures and latency without, then with them), lists the questions a club entry took,
and scores the club questions (tests/data/club_questions.jsonl; tests/features/faq/test_club.py
holds their floors), matched as knowledge/club.yaml says (bench/club_sweep.py measures other
settings). `--fit L2` refits the lexical
answer-or-abstain weights (knowledge/decision.json, one of the ranker's features) on every
committed set and prints their figures; `--fit L2 --loo` validates instead, writing nothing.
The learned ranker itself is fit by bench/faq_fit.py.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.core.settings import Settings
from bot.features.faq import club, decision
from bot.features.faq.club import Encodes
from bot.features.faq.club_tuning import ClubTuning
from bot.features.faq.decision import DECISION_FILE, Features
from bot.features.faq.embedding import open_encoder
from bot.features.faq.loader import load_folder
from bot.features.faq.matching import Matcher

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
DATA = ROOT / "tests" / "data"
FIT_FILES = (
    DATA / "faq_questions.jsonl",
    DATA / "faq_questions_fresh.jsonl",
    DATA / "faq_questions_blind.jsonl",
    DATA / "faq_questions_probe.jsonl",
    DATA / "faq_questions_final3.jsonl",
    DATA / "faq_questions_final4.jsonl",
    DATA / "faq_questions_final5.jsonl",
    # Issue 10's first unseen set, measured once at the end of round 1 and then committed.
    DATA / "faq_questions_issue10.jsonl",
    # Its second, measured once at the end of round 2.
    DATA / "faq_questions_issue10b.jsonl",
    # Its third, measured once at the end of round 3.
    DATA / "faq_questions_issue10c.jsonl",
    # Its fourth, measured once at the end of round 4.
    DATA / "faq_questions_issue10d.jsonl",
    # Its fifth, measured once at the end of round 5.
    DATA / "faq_questions_issue10e.jsonl",
    # Training questions in members' voices written from the articles and the entries (issue 10,
    # round 6): never an evaluation set; see faq_questions_members6.README.md.
    DATA / "faq_questions_members6.jsonl",
    # Issue 10's sixth to ninth unseen sets, each measured once when new; since round 9 fit on
    # (the fine-tuned model and knowledge/ranker.json: see their recipes' sets).
    DATA / "faq_questions_issue10f.jsonl",
    DATA / "faq_questions_issue10g.jsonl",
    DATA / "faq_questions_issue10h.jsonl",
    DATA / "faq_questions_issue10i.jsonl",
    # Its tenth, written before round 9 and measured once before and once after it; fit on
    # since round 10.
    DATA / "faq_questions_issue10j.jsonl",
    # Its eleventh, written before round 10 and measured once before and once after it; fit on
    # since round 11.
    DATA / "faq_questions_issue10k.jsonl",
    # Round 11's training questions in members' voices, written from the articles and the
    # entries: never an evaluation set; see faq_questions_members11.README.md.
    DATA / "faq_questions_members11.jsonl",
    # Its twelfth, written before round 11 and measured once before and once after it, and its
    # thirteenth, written after round 11 and measured once on its matcher; fit on since round 13.
    DATA / "faq_questions_issue10l.jsonl",
    DATA / "faq_questions_issue10m.jsonl",
    # Round 12's training questions in members' voices, written from the articles and the
    # entries: never an evaluation set; see faq_questions_members12.README.md. Fit on since
    # round 13 (round 12's refit with them was measured and not kept: docs/faq-matcher.md).
    DATA / "faq_questions_members12.jsonl",
    # Its fourteenth to sixteenth, written before round 12 and measured once on round 11's matcher
    # and once on round 12's refit (not kept); fit on since round 13.
    DATA / "faq_questions_issue10n.jsonl",
    DATA / "faq_questions_issue10o.jsonl",
    DATA / "faq_questions_issue10p.jsonl",
    # Its seventeenth, written after round 12, and eighteenth, written for round 13: measured
    # once before and once at the end of round 13; not fit on yet.
    DATA / "faq_questions_issue10q.jsonl",
    DATA / "faq_questions_issue10r.jsonl",
)
DEFAULT_FILES = FIT_FILES
CLUB_ENTRIES = DATA / "club_entries.yaml"
CLUB_QUESTIONS = DATA / "club_questions.jsonl"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _in_scope(row: dict[str, object]) -> bool:
    """Answerable: the row names an entry, or says so (a question no entry covers yet)."""
    return bool(row.get("answerable", row["id"] is not None))


def _fastest(repeat: int, work: Callable[[], T], forget: Callable[[], None]) -> tuple[T, float]:
    """`work`'s result and its fastest time in ms of `repeat` runs: the matcher's cost, not the
    host's. `forget` runs before each: the matcher remembers recent verdicts, and a remembered
    one would time the cache, not the ranking."""
    times = []
    for _ in range(repeat):
        forget()
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return result, min(times)


def _latency(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.3f}  p99 {p99:.3f}"


def run_file(
    matcher: Matcher,
    path: Path,
    club_tuning: ClubTuning,
    repeat: int = 1,
    club_index: club.ClubIndex | None = None,
) -> None:
    """Figures for one set. A row may list `alt`: other entries that answer it as well. With
    `club_index`, each question is also asked in that server (right after, so both timings see
    the same host), matched by `club_tuning`, and the questions a club entry took are listed."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    hits_in = total_in = hits_out = total_out = wrong_in = 0
    latencies: list[float] = []
    club_latencies: list[float] = []
    club_part: list[float] = []  # the club index's own work, the question's vector given
    taken: list[str] = []
    club_in = club_out = 0
    misses: list[str] = []
    for row in rows:
        result, took = _fastest(repeat, lambda q=row["q"]: matcher.match(q), matcher.forget)
        latencies.append(took)
        if club_index is not None:
            verdict, took = _fastest(
                repeat,
                lambda q=row["q"]: club.answer(matcher, club_index, q, club_tuning),
                matcher.forget,
            )
            club_latencies.append(took)
            match, embedded = matcher.match_embedded(row["q"])
            _, took = _fastest(
                repeat,
                lambda q=row["q"], m=match, e=embedded: club.answer_embedded(
                    club_index, q, m, e, club_tuning
                ),
                lambda: None,  # the club part itself keeps nothing between questions
            )
            club_part.append(took)
            if verdict.club is not None:
                club_in += _in_scope(row)
                club_out += not _in_scope(row)
                scope = "in scope" if _in_scope(row) else "out of scope"
                taken.append(f"  ({scope}) {row['q']!r} -> {verdict.club.entry.question!r}")
        got = result.entry.id if result.entry else None
        right = {row["id"], *row.get("alt", ())} - {None}
        if not _in_scope(row):
            total_out += 1
            hits_out += got is None
            ok = got is None
        else:
            total_in += 1
            hits_in += got in right
            wrong_in += got is not None and got not in right
            ok = got in right
        if not ok:
            near = ", ".join(e.id for e in result.suggestions)
            want = row["id"] if not row.get("uncovered") else f"(no entry yet: {row.get('needs')})"
            misses.append(
                f"  {row['q']!r}\n    want={want} got={got} score={result.score} [{near}]"
            )
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\n== {name}: {len(rows)} questions")
    print(f"in-scope top-1 accuracy: {hits_in}/{total_in} = {hits_in / max(total_in, 1):.3f}")
    print(f"abstention accuracy:     {hits_out}/{total_out} = {hits_out / max(total_out, 1):.3f}")
    # A wrong answer is worse than none: answered in scope, but with another entry.
    print(f"wrong answers:           {wrong_in}/{total_in} = {wrong_in / max(total_in, 1):.3f}")
    print(f"latency ms: {_latency(latencies)}   RSS {rss_mb():.0f} MB")
    if club_index is not None:
        ratio = statistics.median(club_latencies) / max(statistics.median(latencies), 1e-9)
        print(
            f"  with {len(club_index)} club entries: {_latency(club_latencies)}"
            f"   (p50 x{ratio:.2f}; the club part alone: {_latency(club_part)})"
        )
        print(f"  club answers: {club_in} in scope, {club_out} out of scope")
        print("\n".join(taken))
    print(f"misses ({len(misses)}):")
    print("\n".join(misses) if misses else "  none")


def club_index(matcher: Matcher, encoder: Encodes, count: int) -> club.ClubIndex:
    """One server with the first `count` entries of tests/data/club_entries.yaml."""
    texts = club.parse_file(CLUB_ENTRIES.read_text(encoding="utf-8"), str(CLUB_ENTRIES))
    if count > len(texts):
        raise SystemExit(f"--club-entries: {CLUB_ENTRIES.name} holds {len(texts)} entries")
    entries = [
        club.ClubEntry(i, 1, t.question, t.aliases, t.answer)
        for i, t in enumerate(texts[:count], 1)
    ]
    return club.ClubIndex.build(entries, encoder, matcher.stop_words)


def run_club_questions(
    matcher: Matcher, index: club.ClubIndex, tuning: ClubTuning, path: Path
) -> None:
    """Club questions (`club`: the entry's question, or null: no club entry answers it; `alt`:
    other entries that do) asked in the server with `index`, matched by `tuning`."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    right = wrong = missed = false = 0
    notes: list[str] = []
    for row in rows:
        verdict = club.answer(matcher, index, row["q"], tuning)
        got = verdict.club.entry.question if verdict.club else None
        score = verdict.club.score if verdict.club else None
        if row["club"] is None:
            false += got is not None
            if got is not None:
                notes.append(f"  {row['q']!r}\n    want no club answer, got {got!r} ({score})")
            continue
        ok = got in (row["club"], *row.get("alt", ()))
        right += ok
        wrong += got is not None and not ok
        missed += got is None
        if not ok:
            notes.append(f"  {row['q']!r}\n    want {row['club']!r} got {got!r} ({score})")
    covered = sum(1 for r in rows if r["club"] is not None)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\n== {name}: {len(rows)} club questions, {len(index)} club entries")
    print(f"answered with the right entry: {right}/{covered} = {right / max(covered, 1):.3f}")
    print(f"answered with a wrong entry:   {wrong}/{covered}")
    print(f"club answer where none fits:   {false}/{len(rows) - covered}")
    print(f"misses ({len(notes)}):")
    print("\n".join(notes) if notes else "  none")


def _examples(matcher: Matcher, path: Path) -> list[tuple[list[float], int, bool]]:
    """(features, 1 if answering with the best entry is right, is the row in scope)."""
    out = []
    for row in (json.loads(line) for line in path.read_text().splitlines() if line.strip()):
        evidence = matcher.evidence(row["q"])
        if evidence is not None:
            best, features = evidence
            right = row["id"] is not None and best.id == row["id"]
            out.append((list(features), int(right), row["id"] is not None))
    return out


def _fit_weights(
    rows: list[tuple[list[float], int, bool]], l2: float, steps: int = 3000, rate: float = 0.5
) -> tuple[list[float], float]:
    """Logistic weights by gradient descent on standardised features, in raw feature units."""
    k = len(rows[0][0])
    mean = [sum(r[0][j] for r in rows) / len(rows) for j in range(k)]
    sd = [
        max(1e-6, math.sqrt(sum((r[0][j] - mean[j]) ** 2 for r in rows) / len(rows)))
        for j in range(k)
    ]
    z = [([(x[j] - mean[j]) / sd[j] for j in range(k)], y) for x, y, _ in rows]
    w, b = [0.0] * k, 0.0
    for _ in range(steps):
        gw, gb = [0.0] * k, 0.0
        for x, y in z:
            err = 1 / (1 + math.exp(-(b + sum(a * c for a, c in zip(w, x, strict=True))))) - y
            gb += err
            gw = [g + err * c for g, c in zip(gw, x, strict=True)]
        b -= rate * gb / len(z)
        w = [a - rate * (g / len(z) + l2 * a) for a, g in zip(w, gw, strict=True)]
    weights = [w[j] / sd[j] for j in range(k)]
    return weights, b - sum(w[j] * mean[j] / sd[j] for j in range(k))


def _figures(
    examples: list[tuple[list[float], int, bool]], weights: list[float], bias: float
) -> str:
    hit_in = n_in = hit_out = n_out = 0
    for x, right, in_scope in examples:
        p = 1 / (1 + math.exp(-(bias + sum(a * c for a, c in zip(weights, x, strict=True)))))
        answered = p >= decision.THRESHOLD
        n_in += in_scope
        n_out += not in_scope
        hit_in += answered and bool(right)
        hit_out += not in_scope and not answered
    return f"in-scope {hit_in / max(n_in, 1):.3f}  abstention {hit_out / max(n_out, 1):.3f}"


def fit(matcher: Matcher, l2: float, loo: bool) -> None:
    """Write refit weights and print per-set figures, or print leave-one-set-out figures."""
    examples = {path: _examples(matcher, path) for path in FIT_FILES}
    if loo:
        for held in FIT_FILES:
            rows = [ex for path, exs in examples.items() if path != held for ex in exs]
            weights, bias = _fit_weights(rows, l2)
            print(f"  held out {held.name}: {_figures(examples[held], weights, bias)}")
        return
    fitted, fitted_bias = _fit_weights([ex for exs in examples.values() for ex in exs], l2)
    # Three decimals are plenty for this model and keep refits readable in a diff; the figures
    # below are those of the rounded numbers, i.e. of the file as written.
    weights, bias = [round(w, 3) for w in fitted], round(fitted_bias, 3)
    target = KNOWLEDGE / DECISION_FILE
    sets = [path.name for path in FIT_FILES]
    target.write_text(decision.model_json(Features(*weights), bias, {"l2": l2, "sets": sets}))
    print(f"wrote {target.relative_to(ROOT)}: bias {bias}, weights")
    for name, weight in zip(Features._fields, weights, strict=True):
        print(f"  {name:<9} {weight:8.3f}")
    for path, exs in examples.items():
        print(f"  {path.name}: {_figures(exs, weights, bias)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", help="JSONL eval file(s)")
    parser.add_argument("--fit", type=float, metavar="L2", help="refit decision weights")
    parser.add_argument("--loo", action="store_true", help="with --fit: leave-one-set-out")
    parser.add_argument("--lexical", action="store_true", help="the lexical matcher alone")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each question N times, keep the fastest"
    )
    parser.add_argument(
        "--club-entries",
        type=int,
        default=0,
        metavar="N",
        help="also ask every question in a server with N club entries (at most 200)",
    )
    args = parser.parse_args()
    sources = ROOT.parent / "shared" / "sources"
    knowledge = load_folder(KNOWLEDGE, sources if sources.is_dir() else None)
    if args.fit is not None:
        fit(Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision), args.fit, args.loo)
        return
    start = time.perf_counter()
    semantic = None
    if not args.lexical:
        encoder = open_encoder(Settings(_env_file=None).embedding_dir)  # type: ignore[call-arg]
        print(f"embedding model loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
        semantic = (encoder, knowledge.ranker)
    start = time.perf_counter()
    matcher = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision, semantic)
    elapsed_ms = (time.perf_counter() - start) * 1000
    kind = "lexical" if args.lexical else "learned ranker"
    print(f"entries: {len(knowledge.kb)}  matcher ({kind}) build: {elapsed_ms:.1f} ms")
    index = None
    if args.club_entries:
        if semantic is None:
            raise SystemExit("--club-entries needs the embedding model (drop --lexical)")
        start = time.perf_counter()
        index = club_index(matcher, semantic[0], args.club_entries)
        elapsed_ms = (time.perf_counter() - start) * 1000
        print(
            f"club entries: {len(index)}  index build (each phrasing embedded): {elapsed_ms:.0f} ms"
        )
        run_club_questions(matcher, index, knowledge.club_tuning, CLUB_QUESTIONS)
    for path in args.file or [p for p in DEFAULT_FILES if p.exists()]:
        run_file(matcher, path, knowledge.club_tuning, args.repeat, index)
    print(f"\nprocess RSS: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
