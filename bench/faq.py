"""Benchmark the FAQ matcher: accuracy on the eval sets, latency, build time and memory.

Run from the repository root: `.venv/bin/python bench/faq.py [--file PATH ...]`.
Prints figures and the misses; never asserts (tests/test_matching.py holds the floors).
`--fit L2` refits the answer-or-abstain weights of bot/domain/decision.py on every committed
set (pure Python logistic regression), prints them and their figures per set, and leaves copying
them into decision.py to a person. `--fit L2 --loo` validates instead: for each set, fit on the
others and report the held-out set's figures (how a refit generalises to unseen wording).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.features.faq import decision, text  # noqa: E402
from bot.features.faq.loader import load_knowledge  # noqa: E402
from bot.features.faq.matching import Matcher  # noqa: E402

DATA = ROOT / "tests" / "data"
FIT_FILES = (
    DATA / "faq_questions.jsonl",
    DATA / "faq_questions_fresh.jsonl",
    DATA / "faq_questions_blind.jsonl",
    DATA / "faq_questions_probe.jsonl",
    DATA / "faq_questions_final3.jsonl",
    DATA / "faq_questions_final4.jsonl",
    DATA / "faq_questions_final5.jsonl",
)
DEFAULT_FILES = FIT_FILES


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_file(matcher: Matcher, path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    hits_in = total_in = hits_out = total_out = 0
    latencies: list[float] = []
    misses: list[str] = []
    for row in rows:
        start = time.perf_counter()
        result = matcher.match(row["q"])
        latencies.append((time.perf_counter() - start) * 1000)
        got = result.entry.id if result.entry else None
        if row["id"] is None:
            total_out += 1
            hits_out += got is None
        else:
            total_in += 1
            hits_in += got == row["id"]
        if got != row["id"]:
            near = ", ".join(e.id for e in result.suggestions)
            misses.append(
                f"  {row['q']!r}\n    want={row['id']} got={got} score={result.score} [{near}]"
            )
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\n== {name}: {len(rows)} questions")
    print(f"in-scope top-1 accuracy: {hits_in}/{total_in} = {hits_in / max(total_in, 1):.3f}")
    print(f"abstention accuracy:     {hits_out}/{total_out} = {hits_out / max(total_out, 1):.3f}")
    print(f"latency ms: median {statistics.median(latencies):.3f}  p99 {p99:.3f}")
    print(f"misses ({len(misses)}):")
    print("\n".join(misses) if misses else "  none")


def _examples(matcher: Matcher, path: Path) -> list[tuple[list[float], int, bool]]:
    """(features, 1 if answering with the best entry is right, is the row in scope)."""
    out = []
    for row in (json.loads(line) for line in path.read_text().splitlines() if line.strip()):
        q = matcher._query(row["q"])
        ranked = matcher._rank(q, text.fold(row["q"]))
        if ranked:
            best = matcher._docs[ranked[0].index].entry.id
            right = row["id"] is not None and best == row["id"]
            out.append((list(matcher.features(q, ranked)), int(right), row["id"] is not None))
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
    """Print refit weights and per-set figures, or leave-one-set-out figures."""
    examples = {path: _examples(matcher, path) for path in FIT_FILES}
    if loo:
        for held in FIT_FILES:
            rows = [ex for path, exs in examples.items() if path != held for ex in exs]
            weights, bias = _fit_weights(rows, l2)
            print(f"  held out {held.name}: {_figures(examples[held], weights, bias)}")
        return
    weights, bias = _fit_weights([ex for exs in examples.values() for ex in exs], l2)
    print(f"WEIGHTS = Features({', '.join(f'{a:.3f}' for a in weights)})\nBIAS = {bias:.3f}")
    for path, exs in examples.items():
        print(f"  {path.name}: {_figures(exs, weights, bias)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", help="JSONL eval file(s)")
    parser.add_argument("--fit", type=float, metavar="L2", help="refit decision weights")
    parser.add_argument("--loo", action="store_true", help="with --fit: leave-one-set-out")
    args = parser.parse_args()
    sources = ROOT.parent / "shared" / "sources"
    kb = load_knowledge(ROOT / "knowledge", sources if sources.is_dir() else None)
    start = time.perf_counter()
    matcher = Matcher(kb)
    print(f"entries: {len(kb)}  matcher build: {(time.perf_counter() - start) * 1000:.1f} ms")
    if args.fit is not None:
        fit(matcher, args.fit, args.loo)
        return
    for path in args.file or [p for p in DEFAULT_FILES if p.exists()]:
        run_file(matcher, path)
    print(f"\nprocess RSS: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
