"""Benchmark: prove generated cases over the seed encodings.

Prints cases per second for the solver path (every outcome decided, deciding
clauses found) and for the plain evaluator, and the time of one whole-process
`prove` of one case. Not a test: figures go into the README with the machine.

    python benchmarks/prove_speed.py [--cases 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.cases import Case, case_to_json  # noqa: E402
from checker.casegen import random_cases  # noqa: E402
from checker.errors import Location  # noqa: E402
from checker.evaluate import decide  # noqa: E402
from checker.workspace import Workspace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--documents", nargs="+", default=["aptronix", "battery-cells", "xstron"],
                        help="documents to cycle through (default: the three seeds)")
    args = parser.parse_args()

    workspace = Workspace.load([ROOT / "encodings"])
    names = sorted(args.documents)
    facts = random_cases(workspace.vocabulary, args.cases, args.seed)
    cases = [Case(f"gen-{i}", (names[i % len(names)],), f, {}, Location("<generated>")) for i, f in enumerate(facts)]
    for name in names:  # build each solver before timing, as a long audit run would
        workspace.prover((name,))

    start = time.perf_counter()
    statuses: dict[str, int] = {}
    for case in cases:
        proof = workspace.prove(case, case.documents)
        for v in proof.outcomes.values():
            statuses[v.status] = statuses.get(v.status, 0) + 1
    solver_rate = len(cases) / (time.perf_counter() - start)

    start = time.perf_counter()
    for case in cases:
        decide(workspace.policy(case.documents), case.id, case.facts)
    plain_rate = len(cases) / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.json"
        one.write_text(json.dumps(case_to_json("one", cases[0].documents, cases[0].facts)))
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "checker", "prove", str(one)], cwd=ROOT, capture_output=True, check=False)
            runs.append(time.perf_counter() - t)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"documents: {', '.join(names)}; clauses: {sum(len(workspace.documents[n].clauses) for n in names)}")
    print(f"cases: {len(cases)} (seed {args.seed}); outcome verdicts: {dict(sorted(statuses.items()))}")
    print(f"solver path:     {solver_rate:8.0f} cases/s")
    print(f"plain evaluator: {plain_rate:8.0f} cases/s")
    print(f"whole-process prove of one case: median {sorted(runs)[2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
