"""The long robustness run behind ``make fuzz``: property tests of the engine and its fixes,
and random language-server sessions, for a chosen time with a fixed seed.

    python tests/fuzz.py --minutes 10 --seed 42

Rounds alternate until the time is up: one round runs every property test (each module of
tests/robust and tests/security with a ``@given``: the engine, the keystroke path, the fixes, the
hostile payloads) under the ``fuzz`` Hypothesis profile with ``--hypothesis-seed=SEED+round``, the
next runs random server sessions (hostile pastes among their steps) whose seeds derive from SEED.
The first failure stops the run and prints the command that reproduces it (see tests/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "server"))


def property_tests() -> list[str]:
    """The modules holding Hypothesis properties, found rather than listed, so that a new one
    (such as the hostile payloads' properties) joins the long run by itself."""
    found = [
        p
        for folder in ("robust", "security")
        for p in sorted((ROOT / "tests" / folder).glob("test_*.py"))
        if "@given" in p.read_text(encoding="utf-8")
    ]
    return [p.relative_to(ROOT).as_posix() for p in found]


ENGINE_TESTS = property_tests()


def engine_round(seed: int, examples: int, cases: Counter) -> str | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        counts = fh.name
    env = dict(os.environ, ROBUST_PROFILE="fuzz", ROBUST_EXAMPLES=str(examples), ROBUST_CASES_FILE=counts)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        *ENGINE_TESTS,
        f"--hypothesis-seed={seed}",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    try:
        cases.update(json.loads(Path(counts).read_text() or "{}"))
    except (OSError, ValueError):
        pass
    finally:
        Path(counts).unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-60:])
        return (
            f"{tail}\n\nreproduce: ROBUST_PROFILE=fuzz ROBUST_EXAMPLES={examples} "
            f"{sys.executable} -m pytest -x {' '.join(ENGINE_TESTS)} --hypothesis-seed={seed}"
        )
    return None


def server_round(seed: int, sessions: int, steps: int, cases: Counter) -> str | None:
    from tests.robust.protocol import run_session

    for k in range(sessions):
        s = seed * 1000 + k
        with tempfile.TemporaryDirectory(prefix="mlops-report-fuzz-") as d:
            try:
                stats = run_session(Path(d), s, steps, Path(d) / "server.log")
            except Exception as exc:
                log = (Path(d) / "server.log").read_text(errors="replace")[-4000:]
                return (
                    f"{exc!r}\n--- server log (end) ---\n{log}\n\nreproduce: {sys.executable} "
                    f"tests/fuzz.py --session {s} --steps {steps}"
                )
        cases["server.sessions"] += 1
        cases["server.steps"] += steps
        cases.update({f"server.{k}": v for k, v in stats.items() if not k.startswith("exit")})
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=None, help="default: a random seed, printed")
    ap.add_argument("--examples", type=int, default=300, help="Hypothesis examples per test per round")
    ap.add_argument("--sessions", type=int, default=4, help="server sessions per round")
    ap.add_argument("--steps", type=int, default=300, help="steps per server session")
    ap.add_argument("--session", type=int, default=None, help="replay one server session by its seed")
    args = ap.parse_args(argv)
    if args.session is not None:
        from tests.robust.protocol import run_session

        with tempfile.TemporaryDirectory(prefix="mlops-report-fuzz-") as d:
            print(run_session(Path(d), args.session, args.steps, Path(d) / "server.log"))
        return 0
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    command = f"make fuzz MINUTES={args.minutes:g} SEED={seed}"
    print(f"fuzz: seed {seed}, {args.minutes:g} minutes ({command})", flush=True)
    start = time.monotonic()
    deadline = start + args.minutes * 60
    cases: Counter = Counter()
    rnd = 0
    failure = None
    while time.monotonic() < deadline and failure is None:
        if rnd % 2 == 0:
            failure = engine_round(seed + rnd, args.examples, cases)
        else:
            failure = server_round(seed + rnd, args.sessions, args.steps, cases)
        rnd += 1
        print(
            f"fuzz: round {rnd} done at {(time.monotonic() - start) / 60:.1f} min; "
            f"{sum(v for k, v in cases.items() if k.startswith('engine') or k.startswith('fixes'))} engine cases, "
            f"{cases['server.sessions']} sessions",
            flush=True,
        )
    took = (time.monotonic() - start) / 60
    print(f"fuzz: {'FAILED' if failure else 'passed'} after {took:.1f} min, {rnd} rounds, seed {seed}")
    print("fuzz: cases " + json.dumps(dict(sorted(cases.items())), indent=None))
    if failure:
        print(failure)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
