"""The command line: `clausecheck prove | check | report | ...`.

Exit codes: 0 clean, 1 findings or expectations that fail, 2 unusable input,
3 the solver could not decide within its limits, 4 an internal error (a bug in
clausecheck: a witness the plain evaluator does not confirm, or any other
unexpected exception; one line on stderr, the traceback with `--debug`),
130 interrupted, 141 the reader of stdout went away (`| head`).
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
import traceback
from pathlib import Path

from . import __version__, interrupts
from .errors import InputError

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNDECIDED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as a shell reports them


def _prove(args: argparse.Namespace) -> int:
    """Case by case: every usable case is proved and printed; each unusable one (not
    JSON, impossible facts, an unknown document) is reported on stderr with its line,
    and then the exit code is 2."""
    from .cases import load_cases
    from .render import prove_json, prove_text
    from .load import governing_vocabulary
    from .workspace import Workspace, expectation_results

    roots = [Path(args.encodings)]
    vocabulary = governing_vocabulary(roots)
    cases, problems = load_cases(Path(args.cases), vocabulary)
    documents_given, ranks = args.documents, None
    if args.set:
        from .load import document_folders
        from .sets import load_set

        known = {f.name for f in document_folders(roots[0])}
        policy_set = load_set(_encodings_root(roots), args.set, vocabulary, known)
        documents_given, ranks = list(policy_set.documents), policy_set.ranks
    needed = set(documents_given or ()) | {d for case in cases for d in case.documents}
    workspace = Workspace.load(roots, args.timeout_ms, only=needed, vocabulary=vocabulary)  # parse only what the cases use
    plan = []
    for case in cases:
        try:
            plan.append((case, workspace.documents_for(case, documents_given)))
        except InputError as exc:
            problems.extend(exc.problems)
    items = []
    for case, documents in plan:
        proof = workspace.prove(case, documents, ranks)
        items.append((proof, expectation_results(case, proof)))
    if args.format == "json":
        sys.stdout.write(prove_json.render(items))
    else:
        sys.stdout.write(prove_text.render(items, workspace.vocabulary))
    for problem in sorted(problems, key=lambda p: (p.location.line, p.location.column)):
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_INPUT
    if any(v.status == "unknown" for p, _ in items for v in p.outcomes.values()):
        return EXIT_UNDECIDED
    return EXIT_FAIL if any(not x["ok"] for _, e in items for x in e.values()) else EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage
    from .load import load_documents

    _, documents = load_documents([Path(p) for p in args.paths])
    rows = ["| document | sentences | clauses encoded | sentences skipped | uncovered |", "|---|---:|---:|---:|---:|"]
    missing = []
    for doc in documents:
        c = coverage(doc)
        rows.append(f"| {c.document} | {c.sentences} | {c.clauses} | {c.skipped} | {len(c.uncovered)} |")
        missing += [f"{doc.source.path}:{s.line}: neither encoded nor skipped: {s.text[:80]!r}" for s in c.uncovered]
    print("\n".join(rows))  # the table whole or not at all
    for line in missing:
        print(line, file=sys.stderr)
    return EXIT_FAIL if missing else EXIT_OK


def _encodings_root(paths: list[Path]) -> Path:
    """The folder that holds the vocabulary (and `sets/`) for the documents under `paths`."""
    from .load import document_folders, find_vocabulary

    return find_vocabulary(document_folders(paths[0])[0].parent.resolve()).parent


def _analyses(args: argparse.Namespace):
    """(workspace, analyses, policy by analysis name) for `check` and `report`."""
    from .analyse import Options, analyse
    from .sets import load_set
    from .workspace import Workspace

    paths = [Path(p) for p in args.paths]
    workspace = Workspace.load(paths, args.timeout_ms)
    options = Options(timeout_ms=args.timeout_ms, budget_s=args.time_budget_s)
    analyses, policies = [], {}
    if args.set:
        root = _encodings_root(paths)
        for name in args.set:
            policy_set = load_set(root, name, workspace.vocabulary, set(workspace.documents))
            options = Options(timeout_ms=args.timeout_ms, ranks=policy_set.ranks, budget_s=args.time_budget_s)
            properties = policy_set.properties + tuple(p for d in policy_set.documents for p in workspace.documents[d].properties)
            policies[name] = workspace.policy(policy_set.documents)
            analyses.append(analyse(policies[name], name, options, properties))
    else:
        for name in sorted(workspace.documents):
            policies[name] = workspace.policy((name,))
            analyses.append(analyse(policies[name], name, options, workspace.documents[name].properties))
    return workspace, analyses, policies


def _exit_code(analyses) -> int:
    findings = [f for a in analyses for f in a.findings]
    if any(f.kind == "unknown" for f in findings):
        return EXIT_UNDECIDED
    return EXIT_FAIL if any(f.severity == "error" for f in findings) else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    import dataclasses
    import shutil

    from .findings import chosen
    from .render import check_json, check_text

    workspace, analyses, _ = _analyses(args)
    keep = lambda f: chosen(f, tuple(args.select or ()), tuple(args.ignore or ()), args.severity)  # noqa: E731
    analyses = [dataclasses.replace(a, findings=[f for f in a.findings if keep(f)]) for a in analyses]
    if args.statistics:
        sys.stdout.write(check_text.statistics(analyses))
    elif args.format == "json":
        sys.stdout.write(check_json.render(analyses, workspace.vocabulary))
    else:
        colour = check_text.use_colour(args.color, sys.stdout.isatty(), os.environ)
        style = check_text.Style(width=shutil.get_terminal_size((100, 24)).columns, colour=colour, verbose=args.verbose)
        sys.stdout.write(check_text.render(analyses, workspace.vocabulary, style))
    return _exit_code(analyses)


def _rule(args: argparse.Namespace) -> int:
    from .rules import CATALOGUE, RULES, page

    if args.id is None:
        width = max(len(r.id) for r in CATALOGUE)
        sys.stdout.write("".join(f"{r.id:<{width}}  {r.severity:<8} {r.summary}\n" for r in CATALOGUE))
        return EXIT_OK
    if args.id not in RULES:
        from .errors import Location, fail
        from .findings import pattern_problem
        raise fail(Location("<command line>"), pattern_problem(args.id) or f"{args.id!r} is a kind, not a rule")
    sys.stdout.write(page(RULES[args.id]))
    return EXIT_OK


def _rule_pattern(text: str) -> str:
    from .findings import pattern_problem

    problem = pattern_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def _report(args: argparse.Namespace) -> int:
    from .report import write_report

    workspace, analyses, policies = _analyses(args)
    root = _encodings_root([Path(p) for p in args.paths]).parent  # the repository: report paths are relative to it
    written = write_report(analyses, workspace.vocabulary, policies, Path(args.out), root=root)
    print(f"wrote {len(written)} files to {args.out}")
    return _exit_code(analyses)


def _compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .render import compare_text
    from .workspace import Workspace

    workspace = Workspace.load([Path(args.encodings)], args.timeout_ms, only={args.first, args.second})
    for name in (args.first, args.second):
        if name not in workspace.documents:
            from .errors import Location, fail
            raise fail(Location(args.encodings), f"unknown document {name!r} (known: {', '.join(sorted(workspace.available))})")
    matrix = compare(workspace.vocabulary, workspace.documents[args.first], workspace.documents[args.second], args.timeout_ms)
    sys.stdout.write(compare_text.render(matrix, workspace.vocabulary, args.format))
    return EXIT_UNDECIDED if matrix.unknown else EXIT_OK


def _gate(args: argparse.Namespace) -> int:
    from .baseline import read_baseline, write_baseline
    from .files import write_atomic
    from .gate import load_version, run_gate, run_target
    from .render import gate_ci, gate_summary

    paths = [Path(p) for p in args.paths]
    if args.write_baseline:
        if not args.reason or not args.reason.strip():
            raise InputError([_usage("--write-baseline needs --reason TEXT: why these findings are accepted")])
        target = Path(args.write_baseline)
        keep = read_baseline(target) if target.exists() else {}
        head = load_version(paths, args.timeout_ms)
        analyses = [run_target(head, head.targets[n], args.timeout_ms, args.time_budget_s)[0] for n in sorted(head.targets)]
        count = write_baseline(target, analyses, args.reason.strip(), keep)
        print(f"wrote {count} accepted finding(s) to {target}")
        return EXIT_UNDECIDED if any(f.kind == "unknown" for a in analyses for f in a.findings) else EXIT_OK
    baseline = read_baseline(Path(args.baseline)) if args.baseline else None
    result = run_gate(paths, base=args.base, use_git=args.base is not None or baseline is None,
                      baseline=baseline, baseline_name=args.baseline, fail_level=args.fail_level,
                      timeout_ms=args.timeout_ms, no_new_restrictions=args.no_new_restrictions,
                      budget_s=args.time_budget_s)
    vocabulary = result.vocabulary
    # every output rendered before any is written: a failure leaves no file and prints nothing
    files = {args.markdown: (gate_summary.render_markdown, (result, vocabulary)),
             args.sarif: (gate_ci.render_sarif, (result,)), args.junit: (gate_ci.render_junit, (result, vocabulary))}
    contents = {target: render(*inputs) for target, (render, inputs) in files.items() if target}
    render = {"text": gate_summary.render_text, "markdown": gate_summary.render_markdown, "json": gate_summary.render_json}
    out = render[args.format](result, vocabulary)
    if args.github_annotations:
        out += gate_ci.render_annotations(result, vocabulary)
    for target, content in contents.items():
        write_atomic(target, content)
    sys.stdout.write(out)
    return result.exit_code


def _usage(message: str):
    from .errors import Location, Problem
    return Problem(Location("clausecheck gate"), message)


def _diff(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from .diff import diff_versions
    from .render import diff_text
    from .versions import repository_root, revision_folder
    from .workspace import Workspace

    encodings = Path(args.encodings)
    with ExitStack() as stack:
        versions = []
        for spec in (args.old, args.new):
            if Path(spec).is_dir():
                versions.append(Path(spec))
                continue
            repository_root(encodings)  # a clear error outside a repository
            unpacked, _ = stack.enter_context(revision_folder([encodings], spec))
            if not unpacked:
                from .errors import Location, fail
                raise fail(Location(str(encodings)), f"{encodings} does not exist at revision {spec!r}")
            versions.append(unpacked[0])
        new = Workspace.load([versions[1]], args.timeout_ms)
        old = Workspace.load([versions[0]], args.timeout_ms, vocabulary=new.vocabulary)
        diffs = diff_versions(new.vocabulary, old.documents, new.documents, args.timeout_ms)
    sys.stdout.write(diff_text.render(diffs, new.vocabulary, args.format))
    verdicts = [o.verdict for d in diffs for o in d.outcomes]
    if "unknown" in verdicts:
        return EXIT_UNDECIDED
    changed = any(v != "equivalent" for v in verdicts) or any(d.status in ("added", "removed") for d in diffs)
    return EXIT_FAIL if changed else EXIT_OK


DEBUG_HELP = "on an internal error, print the traceback too (before or after the command)"


class _Version(argparse.Action):
    """`--version`: clausecheck's version and the solver's (witnesses depend on both)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from .smt_settings import solver_version
        print(f"clausecheck {__version__} (z3 {solver_version()})")
        parser.exit()


TIMEOUT_HELP = "the solver's time limit per question, in milliseconds: a positive whole number (default 10000)"


BUDGET_HELP = ("the time limit of each whole analysis, in seconds (default 1800): past it nothing more is asked, "
               "and what was not analysed is reported unknown (exit 3)")


def _budget_s(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not text.isascii() or not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _timeout_ms(text: str) -> int:
    """A positive number of milliseconds (0 would switch Z3's limit off, not make it tight)."""
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number of milliseconds, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    from .smt_settings import MAX_SEED

    if not text.isdigit() or int(text) > MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="clausecheck", description="Find and prove clashes in seller policies with an SMT solver.",
                                  epilog="Exit codes: 0 clean, 1 findings that fail, 2 unusable input, 3 undecided "
                                         "(solver limit), 4 internal error (a bug in clausecheck), 130 interrupted.")
    top.add_argument("--version", action=_Version, help="print the versions of clausecheck and Z3 and exit")
    top.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = top.add_subparsers(dest="command", required=True)

    prove = sub.add_parser("prove", help="decide what the policies say for each case")
    prove.add_argument("cases", help="a JSON or JSON Lines file of cases")
    chosen = prove.add_mutually_exclusive_group()
    chosen.add_argument("--documents", nargs="+", metavar="D", help="prove under these documents instead of each case's own")
    chosen.add_argument("--set", metavar="NAME", help="prove under the documents of encodings/sets/NAME.yaml, with its ranks")
    prove.add_argument("--encodings", default="encodings", help="the folder of encodings (default: encodings)")
    prove.add_argument("--format", choices=("text", "json"), default="text")
    prove.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    prove.set_defaults(run=_prove)

    check = sub.add_parser("check", help="find clashes, gaps, dead, redundant and duplicate clauses, ambiguities")
    check.add_argument("paths", nargs="*", default=["encodings"], help="documents or folders of documents (default: encodings)")
    check.add_argument("--set", action="append", metavar="NAME", help="analyse the policy set encodings/sets/NAME.yaml (repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    check.add_argument("--time-budget-s", type=_budget_s, default=1800.0, metavar="S", help=BUDGET_HELP)
    check.add_argument("--select", action="append", type=_rule_pattern, metavar="RULE",
                       help="report only these rules or kinds (repeatable; e.g. clash, gap.open-outcome)")
    check.add_argument("--ignore", action="append", type=_rule_pattern, metavar="RULE",
                       help="leave out these rules or kinds (repeatable); unknown (undecided) is never left out")
    check.add_argument("--severity", choices=("error", "warning", "info"), default="info",
                       help="report findings of this severity and above (default: info, everything)")
    check.add_argument("--statistics", action="store_true", help="print how many findings each rule has, and nothing else")
    check.add_argument("--verbose", action="store_true",
                       help="every detail: each clause's quote at every finding, the witness told as a story")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the severities (auto: on a terminal, unless NO_COLOR is set)")
    check.set_defaults(run=_check)

    rep = sub.add_parser("report", help="write the findings of check as HTML (with the clash graph), JSON, Markdown, SARIF and graphs")
    rep.add_argument("paths", nargs="*", default=["encodings"], help="documents or folders of documents (default: encodings)")
    rep.add_argument("--out", required=True, metavar="DIR", help="the folder to write the report into")
    rep.add_argument("--set", action="append", metavar="NAME", help="analyse the policy set encodings/sets/NAME.yaml (repeatable)")
    rep.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    rep.add_argument("--time-budget-s", type=_budget_s, default=1800.0, metavar="S", help=BUDGET_HELP)
    rep.set_defaults(run=_report)

    comp = sub.add_parser("compare", help="the cases two documents decide differently, as a matrix")
    comp.add_argument("first")
    comp.add_argument("second")
    comp.add_argument("--encodings", default="encodings")
    comp.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    comp.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    comp.set_defaults(run=_compare)

    gate = sub.add_parser("gate", help="for CI: fail on what an edit of the policies brings (new clashes, stale quotes, "
                                       "drift, uncovered sentences, lost customer rights)")
    gate.add_argument("paths", nargs="*", default=["encodings"], help="documents or folders of documents (default: encodings)")
    gate.add_argument("--base", metavar="REV", help="the git revision to compare with (default: the merge base with "
                                                     "the default branch; without --baseline only)")
    gate.add_argument("--baseline", metavar="FILE", help="a file of accepted findings, each with a reason (alone: no git)")
    gate.add_argument("--fail-level", choices=("error", "warning", "info"), default="error",
                      help="the lowest severity of a new finding that fails the gate (default: error)")
    gate.add_argument("--no-new-restrictions", action="store_true",
                      help="also fail when a case the base allowed (cancel, return, refund, warranty ...) is now refused")
    gate.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="what to print")
    gate.add_argument("--markdown", metavar="FILE", help="write the summary as Markdown (a pull-request comment)")
    gate.add_argument("--sarif", metavar="FILE", help="write SARIF 2.1.0 (code-scanning annotations)")
    gate.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    gate.add_argument("--github-annotations", action="store_true", help="print GitHub workflow commands for new findings")
    gate.add_argument("--write-baseline", metavar="FILE", help="accept every current finding into FILE (with --reason) and exit")
    gate.add_argument("--reason", help="why the findings written by --write-baseline are accepted")
    gate.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    gate.add_argument("--time-budget-s", type=_budget_s, default=1800.0, metavar="S", help=BUDGET_HELP)
    gate.set_defaults(run=_gate)

    dif = sub.add_parser("diff", help="the semantic difference of two versions: per outcome equivalent, narrower, "
                                      "broader or incomparable, with the cases that changed")
    dif.add_argument("old", help="a folder of encodings, or a git revision")
    dif.add_argument("new", help="a folder of encodings, or a git revision")
    dif.add_argument("--encodings", default="encodings", help="where the encodings are in the repository, for revisions "
                                                               "(default: encodings)")
    dif.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    dif.add_argument("--timeout-ms", type=_timeout_ms, default=10000, metavar="MS", help=TIMEOUT_HELP)
    dif.set_defaults(run=_diff)

    rule = sub.add_parser("rule", help="what a rule means, why it matters and an example (without ID: every rule)")
    rule.add_argument("id", nargs="?", help="a rule id, e.g. clash.within-document")
    rule.set_defaults(run=_rule)

    cover = sub.add_parser("coverage", help="count sentences, clauses and skipped sentences; list uncovered sentences")
    cover.add_argument("paths", nargs="*", default=["encodings"])
    cover.set_defaults(run=_coverage)

    for name, command in sub.choices.items():
        # SUPPRESS: a --debug before the command is not reset by the command's default
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        if name != "coverage":
            command.add_argument("--solver-seed", type=_seed, default=0, metavar="N",
                                 help="the random seed of every Z3 solver (default 0, Z3's own); the output "
                                      "should not depend on it")
    return top


def _internal_error(exc: Exception, debug: bool) -> int:
    """One line on stderr for an exception no input explains (the traceback before it
    with --debug); the exit code tells CI that the checker failed, not the policy."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    hint = "the traceback is above" if debug else "rerun with --debug for the traceback"
    print(f"clausecheck: internal error: {what} (a bug in clausecheck, not a finding; {hint})", file=sys.stderr)
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not hit the closed pipe again."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's buffer)


def _plain_console() -> None:
    """On a console that is not UTF-8, write what it cannot show as escapes (\\u201c)
    instead of failing on the first curly quote."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


# Errors writing to stdout itself (no file name): a full disk, a quota, a failing device.
_OUTPUT_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _plain_console()
    with interrupts.watched():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        if getattr(args, "solver_seed", None) is not None:
            from .smt_settings import set_seed
            set_seed(args.solver_seed)  # before any solver is built
        code = args.run(args)  # each command builds its whole output before printing any of it
        interrupts.stop_if_interrupted()  # a Ctrl-C that was swallowed on the way
        sys.stdout.flush()  # here, not at exit, so that a failed write is reported
        return code
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("clausecheck: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): nothing wrong with the checker
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.filename is None and exc.errno in _OUTPUT_ERRORS:
            _silence_stdout()  # what is left in the buffer would fail again at exit
            print(f"error: cannot write the output: {exc.strerror}", file=sys.stderr)
            return EXIT_INPUT
        if exc.filename is None:
            return _internal_error(exc, args.debug)
        print(f"error: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)  # e.g. --out where one may not write
        return EXIT_INPUT
    except Exception as exc:  # SystemExit and KeyboardInterrupt are not Exceptions
        if interrupts.seen():  # a Ctrl-C that surfaced wrapped in another exception
            print("clausecheck: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        return _internal_error(exc, args.debug)
