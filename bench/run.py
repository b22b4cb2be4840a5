"""Benchmarks of mlops-report: ``python bench/run.py [--quick] [--only a,b,...] [--out FILE]``.

a  analysis after a one-character edit (in process) against one markdown-it-py parse
b  didChange -> diagnostics over stdio with the real server, 200 keystrokes into one answer
c  cold start: server process start -> first diagnostics
d  ``mlops-report check`` as a process (1 and 100 reports) against import-and-parse
e  server memory after opening 20 reports
f  how a and b grow from 1x to 100x the report
g  hostile payloads pasted into an answer: the engine's analysis and the server's next hover
h  server memory after 400 keystrokes in a 1 MB answer
i  the teacher's dashboard: ``check DIR --format csv|html`` on 1,000 group folders
j  the git work of a report's first analysis in a repository of 10 000 files
k  a keystroke side by side: the empty pygls server (the floor), rumdl's and VS Code's markdown servers
l  the command line side by side: markdownlint-cli2, pymarkdown, rumdl, the course's report.py
m  cold start with ten reports opened at once, the same servers side by side

``--only hostile`` is g,h; ``--only dashboard`` is i; ``--only handin`` is j; ``--only peers`` is
k,l,m (the peers from ``bench/setup-peers.sh``). See bench/README.md. Nothing here is a test: the
figures are printed and written, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "server"))

import corpus  # noqa: E402
from stats import growth, ms  # noqa: E402

PARTS = "a,b,c,d,e,f,g,h,i,j,k,l,m"
ALIASES = {"hostile": "g,h", "dashboard": "i", "handin": "j", "peers": "k,l,m"}


class Plan:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.edits = 20 if quick else 200  # keystrokes on a 31-question report
        self.edits_large = (10, 5) if quick else (100, 40)  # on 10x and 100x
        self.repeats = 3 if quick else 20
        self.process_repeats = 3 if quick else 40
        self.cold_repeats = 1 if quick else 5
        self.many = 5 if quick else 100
        self.open_reports = 3 if quick else 20
        self.hostile_sizes = [3_000] if quick else [30_000, 100_000]  # bytes of payload
        self.hostile_limit = 10.0 if quick else 20.0  # seconds before a measurement is given up
        self.blob = (100_000, 20, 30.0) if quick else (1_000_000, 400, 300.0)  # size, keystrokes, limit
        self.dashboard = (60, 6, 1) if quick else (1000, 100, 3)  # group folders, git repositories, runs
        self.repo_files, self.repo_repeats = (1_000, 2) if quick else (10_000, 10)
        self.peer_edits = (5, 3, 2) if quick else (60, 30, 8)  # keystrokes per place at 1x, 10x, 100x
        self.peer_repeats = 2 if quick else 10  # command lines, ten reports at once

    def edits_for(self, d: corpus.Doc, series: list[corpus.Doc]) -> int:
        if d is series[-1] and len(series) > 2:
            return self.edits_large[1]
        if d in series[1:]:
            return self.edits_large[0]
        return self.edits

    def repeats_for(self, d: corpus.Doc) -> int:
        return self.repeats if d.questions < 1000 else 5


def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "server"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    from importlib.metadata import version

    return [
        f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, markdown-it-py {version('markdown-it-py')}, pygls {_version('pygls')}",
        f"- commit: {commit}{' (server/ has uncommitted changes)' if dirty else ''}",
        f"- command: `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip(),
    ]


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def yes(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _secs(x: float | None, limit: float) -> str:
    return f"> {limit:.0f} s" if x is None else ms(x)


def hostile_part(plan: Plan, root: Path, say, server_missing: str | None) -> list[tuple[str, str, str]]:
    import hostile

    limit = plan.hostile_limit
    say(
        "## (g) hostile payloads",
        "",
        "Each payload is pasted, on lines of its own, into the answer the other parts type into. *engine*: "
        "`Analyzer.analyse` of the pasted text by an analyzer that saw the text before (segment cache "
        "emptied; median of up to 3 runs in a child process). *hover*: the server has the report open and "
        "analysed; from the `didChange` carrying the paste to the answer of a hover on the edited "
        "question's heading; *diagnostics*: on to the pulled diagnostics of that version. A measurement "
        f"is stopped after {limit:.0f} s (shown as > {limit:.0f} s). Target: the worst 30 KB payload's hover "
        "within 1 s.",
        "",
        "| payload | size | engine | hover after the paste | diagnostics after the paste |",
        "|---|---:|---:|---:|---:|",
    )
    names = list(hostile.PAYLOADS)
    engine = {(k, size): hostile.engine(k, size, limit) for size in plan.hostile_sizes for k in range(len(names))}
    served = {} if server_missing else hostile.pastes(plan.hostile_sizes, root, limit)
    for size in plan.hostile_sizes:
        for k, name in enumerate(names):
            real = len(hostile.PAYLOADS[name](size).encode("utf-8"))
            r = served.get((k, size))
            say(
                f"| {name} | {real / 1000:.0f} KB | {_secs(engine[(k, size)], limit)} | "
                f"{_secs(r.hover, limit) if r else 'not measured'} | "
                f"{_secs(r.diagnostics, limit) if r else 'not measured'} |"
            )
    say("")
    inf = float("inf")

    def worst(table: dict, size: int, pick=lambda r: r) -> tuple[float, str]:
        rows = [(inf if pick(v) is None else pick(v), names[k]) for (k, s), v in table.items() if s == size]
        return max(rows) if rows else (inf, "none")

    top = plan.hostile_sizes[-1]
    e, en = worst(engine, top)
    line = f"Worst per {top // 1000} KB: the engine {_secs(None if e == inf else e, limit)} ({en})"
    if served:
        h, hn = worst(served, top, lambda r: r.hover)
        line += f", the next hover {_secs(None if h == inf else h, limit)} ({hn})"
    say(line + ".", "")
    if not served:
        return []
    size = 30_000 if 30_000 in plan.hostile_sizes else plan.hostile_sizes[0]
    h, hn = worst(served, size, lambda r: r.hover)
    return [
        (
            f"(g) worst {size // 1000} KB payload: hover answered < 1 s",
            f"{_secs(None if h == inf else h, limit)} ({hn})",
            yes(h < 1.0),
        )
    ]


def blob_part(plan: Plan, root: Path, say) -> list[tuple[str, str, str]]:
    import hostile

    size, keystrokes, limit = plan.blob
    r = hostile.typing(size, keystrokes, root, limit)
    say(
        f"## (h) memory in a {size / 1e6:g} MB answer",
        "",
        f"The bundled example with the answer the other parts type into replaced by {size:,} characters of "
        f"base64 on one line (a pasted image); {keystrokes} keystrokes typed into the middle of it, each "
        "followed by a pulled diagnostic (as VS Code does), stopped after "
        f"{limit:.0f} s. Resident set size (VmRSS) of the server after opening and after typing, and its "
        "peak (VmHWM). Target: under 300 MB.",
        "",
        "| keystrokes | time | per keystroke | after opening | after typing | peak |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {r.keystrokes} of {r.asked} | {ms(r.seconds)} | {ms(r.seconds / max(1, r.keystrokes))} | "
        f"{r.rss_before:.0f} MiB | {r.rss_after:.0f} MiB | {r.peak:.0f} MiB |",
        "",
    )
    done = r.keystrokes == r.asked
    figure = f"{r.peak:.0f} MiB peak" + ("" if done else f" (only {r.keystrokes} keystrokes in {limit:.0f} s)")
    return [
        (
            f"(h) RSS after {keystrokes} keystrokes in a {size / 1e6:g} MB answer < 300 MB",
            figure,
            yes(done and r.peak * 1.048576 < 300),
        )
    ]


def dashboard_part(plan: Plan, root: Path, say) -> list[tuple[str, str, str]]:
    import dashboard

    count, repositories, repeats = plan.dashboard
    work = root / "dashboard"
    work.mkdir()
    results = dashboard.measure(count, repositories, repeats, work)
    say(
        "## (i) the teacher's dashboard",
        "",
        f"`mlops-report check DIR --format csv|html -o FILE` (the installed script) on {count} group folders "
        f"made by the test builder (`tests/builder.py`; one in ten failing a question, one in seventeen crashing "
        f"the checker, one in thirteen missing a figure; the first {repositories} committed to git repositories of "
        f"their own, whose last commit is read). Median of {repeats} runs after a warm-up; *peak*: the largest "
        "resident set of any process so far. Target: 1,000 reports under 10 s.",
        "",
        "| run | time | rows | per report | peak |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {r.label} | {ms(r.time.median)} | {r.rows} | {ms(r.time.median / max(1, r.rows))} | "
            f"{f'{r.peak_mib:.0f} MiB' if r.peak_mib else '-'} |"
            for r in results
        ),
        "",
    )
    best = results[0]
    return [(f"(i) {count} reports to CSV < 10 s", ms(best.time.median), yes(best.time.median < 10))]


def handin_part(plan: Plan, root: Path, say) -> list[tuple[str, str, str]]:
    import handin

    folder = root / "handin"
    folder.mkdir()
    stages, codes = handin.measure(folder, plan.repo_files, plan.repo_repeats)
    say(
        f"## (j) the hand-in: git work of a first analysis, {plan.repo_files} files",
        "",
        f"A repository of {plan.repo_files} tracked files (nested folders, a 26-line `.gitignore`, packed by "
        "`git gc`, pushed to an `origin`, one unpushed commit to the report, two side branches, one of them with "
        "a newer report). Each run is a fresh Python that has imported the analysis (as `check` and the server "
        f"have), timing the hand-in's git work of the first analysis ({plan.repo_repeats} runs). Findings: "
        f"{', '.join(codes)}. Target: under 200 ms.",
        "",
        "| stage | median | max |",
        "|---|---:|---:|",
        *(f"| {name} | {ms(s.median)} | {ms(max(s.seconds))} |" for name, s in stages.items()),
        "",
    )
    total = stages["total"].median
    return [(f"(j) git work of a first analysis, {plan.repo_files} files < 200 ms", ms(total), yes(total < 0.2))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes and few repeats (seconds, for the test suite)")
    ap.add_argument(
        "--only",
        default=PARTS,
        help="comma-separated parts to run, of a,b,c,d,e,f,g,h,i,j,k,l,m, "
        "'hostile' (= g,h), 'dashboard' (= i), 'handin' (= j) or 'peers' (= k,l,m) (default: all)",
    )
    ap.add_argument(
        "--out",
        help="write the results here (default: bench/RESULTS.md for a full run of every part; "
        "with --quick or --only: stdout only); '-' for stdout only",
    )
    args = ap.parse_args(argv)
    parts = {q for p in args.only.split(",") if p.strip() for q in ALIASES.get(p.strip(), p.strip()).split(",")}
    unknown = parts - set(PARTS.split(","))
    if unknown:
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {PARTS}")
    partial = parts != set(PARTS.split(","))  # RESULTS.md holds a whole run, never some parts of one
    out = args.out or ("-" if args.quick or partial else str(HERE / "RESULTS.md"))
    plan = Plan(args.quick)

    real, series = corpus.documents(args.quick)
    lines = ["# mlops-report benchmarks", "", *machine(), ""]
    targets: list[tuple[str, str, str]] = []  # (target, figure, met)

    def say(*text: str) -> None:
        lines.extend(text)
        print(*text, sep="\n", flush=True)

    print("\n".join(lines), flush=True)
    engine_results = {}
    if parts & {"a", "f"}:
        import engine

        docs = (real if "a" in parts else []) + (series if "f" in parts else [])
        say(
            "## (a) analysis after a one-character edit, in process",
            "",
            "Median and p95 of `Analyzer.analyse` on the text after each keystroke typed into one answer "
            '(warm caches), next to one full `MarkdownIt("commonmark").enable("table").parse(text)` '
            "(median). *Cold* is a whole analysis with empty caches. Target: edit median at most 0.1 of "
            "the markdown-it-py parse.",
            "",
            "| document | questions | size | markdown-it parse | edit median | edit p95 | ratio | cold analysis |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        )
        seen = set()
        for d in docs:
            if d.text in seen and d.name.endswith("x1"):
                engine_results[d.name] = engine_results[
                    next(k for k, v in engine_results.items() if v.doc.text == d.text)
                ]
            else:
                engine_results[d.name] = engine.measure(d, plan.edits_for(d, series), plan.repeats_for(d))
                seen.add(d.text)
            r = engine_results[d.name]
            say(
                f"| {d.name} | {d.questions} | {d.size} | {ms(r.markdown.median)} | {ms(r.edit.median)} | "
                f"{ms(r.edit.p95)} | {r.ratio:.2f} | {ms(r.cold.median)} |"
            )
        say("")
        for d in real if "a" in parts else []:
            r = engine_results[d.name]
            targets.append((f"(a) edit ≤ 0.1 × markdown-it parse, {d.name}", f"{r.ratio:.2f}", yes(r.ratio <= 0.1)))
        if "a" in parts:
            say(
                f"Where an edit's time goes ({real[0].name}, {plan.edits} keystrokes, cProfile: every "
                "figure about twice the real one, the proportions hold):",
                "",
                "| function | calls per edit | own µs per edit | total µs per edit |",
                "|---|---:|---:|---:|",
                *(
                    f"| `{name}` | {calls:.0f} | {own:.0f} | {total:.0f} |"
                    for name, calls, own, total in engine.profile(real[0], plan.edits)
                ),
                "",
            )

    lsp_results = {}
    server_missing = None
    if parts & {"b", "c", "e", "f", "g", "h", "k", "m"}:
        import lsp

        server_missing = lsp.server_available()
        if server_missing:
            say("## (b, c, e) the language server", "", f"Not measured: {server_missing}.", "")
    with tempfile.TemporaryDirectory(prefix="mlops-report-bench-") as tmp:
        root = Path(tmp)
        if parts & {"b", "f"} and not server_missing:
            docs = (real if "b" in parts else real[:1]) + (series[1:] if "f" in parts else [])
            say(
                "## (b) didChange to diagnostics over stdio",
                "",
                "`python -m mlops_report serve` as a subprocess; one keystroke per incremental `didChange` "
                "into one answer, waiting for that version's diagnostics before the next keystroke. "
                "*pull*: the client asks `textDocument/diagnostic` right after the change (VS Code's way). "
                "*push*: the client cannot pull and waits for `publishDiagnostics` of that version (the "
                "server analyses at once after each keystroke for documents up to 250 000 characters, "
                "larger ones after a 75 ms pause in typing). Target: p95 under 25 ms on a 31-question report.",
                "",
                "| document | questions | mode | edits | median | p95 |",
                "|---|---:|---|---:|---:|---:|",
            )
            for d in docs:
                modes = (True, False) if d is real[0] else (True,)
                for pull in modes:
                    edits = plan.edits_for(d, series) if pull else max(5, plan.edits // 4)
                    r = lsp.typing(d, edits, pull, root)
                    lsp_results[(d.name, r.mode)] = r
                    say(
                        f"| {d.name} | {d.questions} | {r.mode} | {edits} | {ms(r.latency.median)} | "
                        f"{ms(r.latency.p95)} |"
                    )
            say("")
            for d in real if "b" in parts else []:
                for mode in ("pull", "push"):
                    r = lsp_results.get((d.name, mode))
                    if r is not None:
                        targets.append(
                            (f"(b) {mode} p95 < 25 ms, {d.name}", ms(r.latency.p95), yes(r.latency.p95 < 0.025))
                        )
        if "c" in parts and not server_missing:
            say(
                "## (c) cold start",
                "",
                "From spawning `python -m mlops_report serve` to the first diagnostics of the opened "
                f"bundled report ({plan.cold_repeats} runs; initialize, initialized, didOpen, then a pull or "
                "the first push). Target: under 1.5 s.",
                "",
                "| mode | median | max |",
                "|---|---:|---:|",
            )
            cold = lsp.cold_start(real[0], plan.cold_repeats, root)
            for mode, s in cold.items():
                say(f"| {mode} | {ms(s.median)} | {ms(max(s.seconds))} |")
            say("")
            worst = max(s.median for s in cold.values())
            targets.append(("(c) cold start < 1.5 s", ms(worst), yes(worst < 1.5)))
        if "e" in parts and not server_missing:
            texts = [corpus.variant(real[k % len(real)].text, k) for k in range(plan.open_reports)]
            before, after = lsp.memory(texts, root)
            say(
                "## (e) memory",
                "",
                f"Resident set size (VmRSS) of the server process after initialize, and after opening "
                f"{plan.open_reports} distinct reports (each analysed, diagnostics pulled). Target: under 150 MB.",
                "",
                "| after initialize | after opening the reports |",
                "|---:|---:|",
                f"| {before:.0f} MiB | {after:.0f} MiB |",
                "",
            )
            targets.append(
                (f"(e) RSS after {plan.open_reports} reports < 150 MB", f"{after:.0f} MiB", yes(after * 1.048576 < 150))
            )
        if "g" in parts:
            targets += hostile_part(plan, root, say, server_missing)
        if "h" in parts and not server_missing:
            targets += blob_part(plan, root, say)
        if "i" in parts:
            targets += dashboard_part(plan, root, say)
        if "j" in parts:
            targets += handin_part(plan, root, say)
        if parts & {"k", "m"} and not server_missing:
            import peers

            if "k" in parts:
                shared = [d for d in real if d.name.startswith("shared:")] or real[:1]
                n1, n10, n100 = plan.peer_edits
                docs = [(d, n1) for d in shared] + [(series[1], n10), (series[2], n100)]
                targets += peers.keystrokes_part(docs, root / "k", say, plan.edits)
            if "m" in parts:
                texts = [corpus.variant(real[k % len(real)].text, k) for k in range(10)]
                targets += peers.cold_part(texts, plan.peer_repeats, root / "m", say)
    if "l" in parts:
        import peers

        targets += peers.command_part(real[0].text, plan.peer_repeats, say)
    if "d" in parts:
        import processes

        results = processes.measure(corpus.EXAMPLE, real[0].text, plan.many, plan.process_repeats)
        say(
            "## (d) the command line as a process",
            "",
            "`mlops-report check` (the installed script) against a process that imports markdown-it-py and "
            'parses the same file(s) with `MarkdownIt("commonmark").enable("table")`. Both run with '
            "bytecode caches written (a warm-up run first), the commands taking turns. An empty `python -c pass` takes "
            f"{ms(results[0].python.median)}. Target: at most 1.3 times the baseline; 100 reports under 5 s.",
            "",
            "| run | mlops-report check | import + parse | ratio |",
            "|---|---:|---:|---:|",
        )
        for r in results:
            say(f"| {r.label} | {ms(r.check.median)} | {ms(r.baseline.median)} | {r.ratio:.2f} |")
        say("")
        ranked, total, server_libs = processes.extra_imports(corpus.EXAMPLE)
        say(
            "What `check` imports beyond the baseline (`-X importtime`, self time, median of 5): "
            f"{total / 1000:.1f} ms "
            "in all; the largest:",
            "",
            "| module | self |",
            "|---|---:|",
            *(f"| `{name}` | {us / 1000:.2f} ms |" for name, us in ranked),
            "",
            f"pygls, lsprotocol or cattrs imported by `check`: {', '.join(server_libs) if server_libs else 'none'}.",
            "",
        )
        targets.append(
            ("(d) check imports no language-server library", ", ".join(server_libs) or "none", yes(not server_libs))
        )
        targets.append(
            ("(d) check ≤ 1.3 × import-and-parse, one report", f"{results[0].ratio:.2f}", yes(results[0].ratio <= 1.3))
        )
        targets.append(
            (f"(d) {plan.many} reports < 5 s", ms(results[1].check.median), yes(results[1].check.median < 5))
        )
    if "f" in parts:
        factors = [d.questions / series[0].questions for d in series]
        say(
            "## (f) growth from 1x to the largest report",
            "",
            "Exponent k of time ∝ size^k between the smallest and the largest document "
            "(1 = linear; the markdown-it-py parse for scale).",
            "",
            "| measure | " + " | ".join(f"x{f:.0f}" for f in factors) + " | k |",
            "|---|" + "---:|" * (len(factors) + 1),
        )
        rows = [
            ("markdown-it parse", [engine_results[d.name].markdown.median for d in series]),
            ("analysis after an edit (a)", [engine_results[d.name].edit.median for d in series]),
        ]
        if not server_missing and all((d.name, "pull") in lsp_results or d is series[0] for d in series):
            first = lsp_results[(real[0].name, "pull")]
            rows.append(
                (
                    "didChange to pulled diagnostics (b)",
                    [
                        first.latency.median if d is series[0] else lsp_results[(d.name, "pull")].latency.median
                        for d in series
                    ],
                )
            )
        for label, ts in rows:
            k = growth(factors, ts)
            say(f"| {label} | " + " | ".join(ms(t) for t in ts) + f" | {k:.2f} |")
            if label != "markdown-it parse":
                targets.append((f"(f) {label.split(' (')[0]} grows linearly or better", f"k = {k:.2f}", yes(k <= 1.1)))
        say("")
    say(
        "## Targets",
        "",
        "| target | figure | |",
        "|---|---:|---|",
        *(f"| {t} | {f} | {m} |" for t, f, m in targets),
        "",
    )
    if out != "-":
        Path(out).write_text("\n".join(lines), encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
