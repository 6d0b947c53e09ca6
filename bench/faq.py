"""Benchmark the FAQ matcher: accuracy on the eval sets, latency, build time and memory.

Run from the repository root: `.venv/bin/python bench/faq.py [--file PATH ...]`.
Prints figures and the misses; never asserts (tests/test_matching.py holds the floors).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.knowledge_loader import load_knowledge  # noqa: E402
from bot.domain.matching import Matcher  # noqa: E402

DEFAULT_FILES = (
    ROOT / "tests" / "data" / "faq_questions.jsonl",
    ROOT / "tests" / "data" / "faq_questions_fresh.jsonl",
    ROOT / "tests" / "data" / "faq_questions_blind.jsonl",
)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", help="JSONL eval file(s)")
    args = parser.parse_args()
    sources = ROOT.parent / "shared" / "sources"
    kb = load_knowledge(ROOT / "knowledge", sources if sources.is_dir() else None)
    start = time.perf_counter()
    matcher = Matcher(kb)
    print(f"entries: {len(kb)}  matcher build: {(time.perf_counter() - start) * 1000:.1f} ms")
    for path in args.file or [p for p in DEFAULT_FILES if p.exists()]:
        run_file(matcher, path)
    print(f"\nprocess RSS: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
