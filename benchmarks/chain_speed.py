"""Benchmark: the clash search on chained clauses (issue 12, item 7).

A clause whose `when` reads an outcome another clause decides links both into one group,
so a chain puts many outcomes in one group. Learned as whole readings of every outcome,
the counterexamples of its independent parts multiply (a hub read by n clauses that each
decide another outcome from another fact took about 2^n of them); the search now learns
them part by part (`search._Refuter`). This prints medians of:

- the fixture `tests/fixtures/chained/shop` (37 clauses, chains of depth 2 and 3): the
  whole `clausecheck check` in a fresh process, the analysis in process, and the clash
  search alone (`minimal_clashes` over every group);
- synthetic hubs: a cancellation allowed, read by n clauses, each on its own outcome and
  fact: the clash search alone, and the whole analysis (whose plain evaluator, outside the
  search, enumerates the hub's readings).

    python benchmarks/chain_speed.py [--repeat 5] [--hubs 4 8 12 14] [--timeout-ms 10000] [--no-cli]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.analyse import Options, analyse  # noqa: E402
from checker.components import outcome_groups  # noqa: E402
from checker.search import GroupSearch  # noqa: E402
from checker.workspace import Workspace  # noqa: E402
from tests.fixtures.hub import INDEPENDENT, hub  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "chained" / "shop"
VOCABULARY = ROOT / "encodings" / "vocabulary.yaml"


def write_hub(folder: Path, n: int) -> Path:
    name = f"hub{n}"
    source, encoding = hub(INDEPENDENT[:n], name)
    (folder / name).mkdir()
    (folder / name / "source.txt").write_text(source, encoding="utf-8")
    (folder / name / "encoding.yaml").write_text(encoding, encoding="utf-8")
    return folder / name


def median_of(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def clash_search(policy, timeout_ms: int) -> tuple[int, int]:
    """(clashes, solver questions) of the clash search over every group."""
    clashes = calls = 0
    for group in outcome_groups(policy.merge_repeated().conjuncts):
        search = GroupSearch(policy, group, timeout_ms)
        clashes += len(search.minimal_clashes())
        calls += search.calls
    return clashes, calls


def gave_up(analysis) -> int:
    return sum(f.rule == "unknown.solver-limit" for f in analysis.findings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hubs", type=int, nargs="*", default=[4, 8, 12, 14])
    parser.add_argument("--timeout-ms", type=int, default=10000)
    parser.add_argument("--no-cli", action="store_true", help="skip the fresh-process `clausecheck check`")
    args = parser.parse_args()
    if any(not 1 <= n <= len(INDEPENDENT) for n in args.hubs):
        parser.error(f"a hub has 1 to {len(INDEPENDENT)} consequences")
    options = Options(timeout_ms=args.timeout_ms)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(VOCABULARY, root / "vocabulary.yaml")
        shutil.copytree(FIXTURE, root / "shop")
        print(f"medians of {args.repeat} runs, --timeout-ms {args.timeout_ms}")
        print(f"{'policy':10} {'clauses':>7} {'clashes':>7} {'questions':>9} {'search s':>9} "
              f"{'analyse s':>9} {'gave up':>7} {'check s':>8}")
        rows = [("shop", root / "shop")] + [(f"hub{n}", write_hub(root, n)) for n in args.hubs]
        for name, folder in rows:
            policy = Workspace.load([folder]).policy((name,))
            search_s, (clashes, calls) = median_of(args.repeat, lambda: clash_search(policy, args.timeout_ms))
            analyse_s, analysis = median_of(args.repeat, lambda: analyse(policy, name, options))
            check = "-"
            if name == "shop" and not args.no_cli:
                command = [sys.executable, "-m", "checker", "check", str(folder), "--timeout-ms", str(args.timeout_ms)]
                check_s, _ = median_of(args.repeat, lambda: subprocess.run(command, cwd=ROOT, capture_output=True))
                check = f"{check_s:.2f}"
            print(f"{name:10} {len(policy.clauses):7} {clashes:7} {calls:9} {search_s:9.2f} "
                  f"{analyse_s:9.2f} {gave_up(analysis):7} {check:>8}", flush=True)


if __name__ == "__main__":
    main()
