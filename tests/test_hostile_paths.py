"""Hostile and careless paths, files and writes (reliability review 2026-12-01, issue 11):
each test replays a defect's attack in a temporary folder and checks the clean outcome:
exit 2 with a message that names the file (and the line of `source:`), nothing read
outside the folder a file belongs to, nothing printed of it, nothing half-written."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import checker.files
from checker import cli
from checker.analyse import analyse
from checker.inputs.paths import CASES_LIMIT, SOURCE_TEXT_LIMIT
from checker.report import write_report
from checker.workspace import Workspace

from .conftest import CASES, ENCODINGS
from .fixtures import contradicting_shop

SECRET = "hunter2-token"
SOURCE = contradicting_shop.SOURCE
SOURCE_LINE = 3  # the line of `source:` in the encoding


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A repository folder with encodings/ (the vocabulary and one document, `shop`),
    beside a folder `outside` that holds a secret; the current folder is the repository."""
    root = tmp_path / "repo"
    (root / "encodings" / "shop").mkdir(parents=True)
    shutil.copy(ENCODINGS / "vocabulary.yaml", root / "encodings" / "vocabulary.yaml")
    write_shop(root, "source.txt")
    (root / "encodings" / "shop" / "source.txt").write_text(SOURCE, encoding="utf-8")
    (root / "baseline.yaml").write_text("version: 1\naccepted: []\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"The deploy token is {SECRET}.\nIt must not leak.\n")
    monkeypatch.chdir(root)
    return root


def write_shop(root: Path, source: str) -> None:
    (root / "encodings" / "shop" / "encoding.yaml").write_text(contradicting_shop.encoding(source), encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, bytes | str]:
    """Everything under `folder` by relative path: a file's bytes, a link's target, '' for a folder."""
    found: dict[str, bytes | str] = {}
    for here, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(here) / name
            key = str(path.relative_to(folder))
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else "" if path.is_dir() else path.read_bytes()
    return dict(sorted(found.items()))


COMMANDS = {
    "check": ["check", "encodings"],
    "coverage": ["coverage", "encodings"],
    "report": ["report", "encodings", "--out", "out"],
    "gate": ["gate", "encodings", "--baseline", "baseline.yaml", "--format", "json"],
}


# ---- D1: files outside the repository are read and printed ------------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("attack", ["absolute", "dot-dot", "link-out", "proc-environ", "link-to-proc"])
def test_d1_source_outside_the_document_folder_is_refused(repo: Path, command: str, attack: str) -> None:
    shop = repo / "encodings" / "shop"
    secret = repo.parent / "outside" / "secret.txt"
    if attack == "absolute":
        write_shop(repo, str(secret))
    elif attack == "dot-dot":
        write_shop(repo, "../../../outside/secret.txt")
    elif attack == "proc-environ":
        write_shop(repo, "/proc/self/environ")
    else:
        (shop / "source.txt").unlink()
        (shop / "source.txt").symlink_to(secret if attack == "link-out" else Path("/proc/self/environ"))
    code, out, err = run(*COMMANDS[command])
    assert code == cli.EXIT_INPUT, err
    assert f"encodings/shop/encoding.yaml:{SOURCE_LINE}:" in err  # the file and line of `source:`
    assert "refused to read the source text" in err or "must be a path relative to the document folder" in err
    printed = out + err
    assert SECRET not in printed and "deploy token" not in printed
    assert "PATH=" not in printed  # nothing of the environment either
    assert not (repo / "out").exists()


def test_d1_a_link_that_stays_in_the_document_folder_is_followed(repo: Path) -> None:
    shop = repo / "encodings" / "shop"
    (shop / "texts").mkdir()
    (shop / "source.txt").rename(shop / "texts" / "policy.txt")
    (shop / "source.txt").symlink_to(Path("texts") / "policy.txt")
    code, out, err = run("coverage", "encodings")
    assert code == cli.EXIT_OK, err
    assert "| shop | 2 | 2 | 0 | 0 |" in out


def test_d1_an_encoding_or_vocabulary_linked_outside_is_refused(repo: Path) -> None:
    outside = repo.parent / "outside"
    shop = repo / "encodings" / "shop"
    (shop / "encoding.yaml").rename(outside / "encoding.yaml")
    (shop / "encoding.yaml").symlink_to(outside / "encoding.yaml")
    code, out, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and out == ""
    assert err.startswith("error: encodings/shop/encoding.yaml: refused to read") and "outside the document folder" in err

    (shop / "encoding.yaml").unlink()
    (outside / "encoding.yaml").rename(shop / "encoding.yaml")
    vocabulary = repo / "encodings" / "vocabulary.yaml"
    vocabulary.rename(outside / "vocabulary.yaml")
    vocabulary.symlink_to(outside / "vocabulary.yaml")
    code, out, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and out == "" and "vocabulary.yaml: refused to read" in err


def test_d1_a_document_folder_linked_outside_is_refused(repo: Path) -> None:
    outside = repo.parent / "outside"
    shutil.copytree(repo / "encodings" / "shop", outside / "shop2")
    (outside / "shop2" / "encoding.yaml").write_text(contradicting_shop.encoding("source.txt").replace("document: shop", "document: shop2"))
    (repo / "encodings" / "shop2").symlink_to(outside / "shop2")
    code, out, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and out == ""
    assert "encodings/shop2: refused to read the document folder" in err and "outside the folder that holds it" in err


def test_d1_a_set_name_outside_the_sets_folder_is_refused(repo: Path) -> None:
    outside = repo.parent / "outside"
    (outside / "x.yaml").write_text("name: x\ndocuments: [shop]\n")
    (repo / "encodings" / "sets").mkdir()
    code, out, err = run("check", "encodings", "--set", "../../../outside/x")
    assert code == cli.EXIT_INPUT and out == ""
    assert "x.yaml: refused to read the policy set: it is outside the sets folder" in err

    (repo / "encodings" / "sets" / "x.yaml").symlink_to(outside / "x.yaml")  # a link: refused too, by the gate as well
    for args in (["check", "encodings", "--set", "x"], ["gate", "encodings", "--baseline", "baseline.yaml"]):
        code, out, err = run(*args)
        assert code == cli.EXIT_INPUT and out == "", args
        assert "sets/x.yaml: refused to read the policy set: it leads to" in err


# ---- D15: a base revision holding an escaping link crashes the gate ---------------------------------


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.email=gate@test", "-c", "user.name=gate test", *args],
                   check=True, capture_output=True)


@pytest.mark.git
@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../../../../../etc/passwd", "../vocabulary.yaml"])
def test_d15_a_base_revision_with_an_escaping_link_is_refused(repo: Path, target: str) -> None:
    source = repo / "encodings" / "shop" / "source.txt"
    git(repo, "init", "-q", "-b", "main")
    source.unlink()
    source.symlink_to(target)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the base links its source out")
    source.unlink()
    source.write_text(SOURCE, encoding="utf-8")  # the working tree is fine again
    code, out, err = run("gate", "encodings", "--base", "HEAD")
    assert code == cli.EXIT_INPUT, err
    assert out == "" and "Traceback" not in err and "root:" not in err
    assert "encodings/shop/source.txt" in err and "refused" in err


@pytest.mark.git
def test_d1_the_gate_reads_no_vocabulary_above_the_repository(repo: Path) -> None:
    """The vocabulary is searched upwards from the documents: with git, never past the repository."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the policies")
    (repo / "encodings" / "vocabulary.yaml").rename(repo.parent / "vocabulary.yaml")
    code, out, err = run("gate", "encodings", "--base", "HEAD")
    assert code == cli.EXIT_INPUT and out == ""
    assert err == f"error: {repo.parent / 'vocabulary.yaml'}: the vocabulary is outside the git repository at {repo}\n"


# ---- D3: `gate encodings/<one document>` fails in an unmodified repository -------------------------


@pytest.mark.git
def test_d3_gate_on_one_document_of_a_set_passes_in_an_unmodified_repository(repo: Path) -> None:
    shutil.copytree(ENCODINGS / "marketplace", repo / "encodings" / "marketplace")
    (repo / "encodings" / "sets").mkdir()
    (repo / "encodings" / "sets" / "marketplace-shop.yaml").write_text("name: marketplace-shop\n"
                                                                      "documents: [marketplace, shop]\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the policies")
    for paths in (["encodings/shop"], ["encodings/marketplace"], ["encodings/shop/encoding.yaml"]):
        code, out, err = run("gate", *paths, "--base", "HEAD")
        assert (code, err) == (cli.EXIT_OK, ""), paths
        assert "clausecheck gate: PASSED" in out

    # a set naming a document that exists nowhere is still an error, whichever paths are gated
    (repo / "encodings" / "sets" / "typo.yaml").write_text("name: typo\ndocuments: [shop, marketplcae]\n")
    code, out, err = run("gate", "encodings/shop", "--base", "HEAD")
    assert code == cli.EXIT_INPUT and "typo.yaml:2:" in err and "unknown document 'marketplcae'" in err


# ---- D9: unbounded reads ---------------------------------------------------------------------------


def test_d9_unbounded_and_irregular_inputs_are_refused(repo: Path) -> None:
    shop = repo / "encodings" / "shop"
    where = f"error: encodings/shop/encoding.yaml:{SOURCE_LINE}:"

    (shop / "zero").symlink_to("/dev/zero")  # a device, through a link (a folder can't hold one in git)
    write_shop(repo, "zero")
    code, _, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and err.startswith(where) and "/dev/zero" in err

    os.mkfifo(shop / "fifo")  # a named pipe with no writer: refused, without blocking
    write_shop(repo, "fifo")
    code, _, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and err.startswith(where) and "it is a pipe, not a regular file" in err

    write_shop(repo, "big.txt")
    (shop / "big.txt").write_bytes(SOURCE.encode() + b"x" * SOURCE_TEXT_LIMIT)
    code, _, err = run("check", "encodings")
    assert code == cli.EXIT_INPUT and err.startswith(where)
    assert "cannot read the source text encodings/shop/big.txt: it is larger than 2 MB" in err

    code, out, err = run("prove", "/dev/zero", "--encodings", "encodings")
    assert (code, out) == (cli.EXIT_INPUT, "")
    assert err == "error: /dev/zero: cannot read the case file: it is a character device, not a regular file\n"

    big = repo / "cases.jsonl"
    big.write_bytes(b" " * (CASES_LIMIT + 1))
    code, out, err = run("prove", str(big), "--encodings", "encodings")
    assert code == cli.EXIT_INPUT and out == "" and f"{big}: cannot read the case file: it is larger than 32 MB" in err


def test_d9_an_endless_pipe_of_cases_is_cut_off_at_the_limit(repo: Path) -> None:
    """`yes | clausecheck prove /dev/stdin`: the pipe is read up to the limit, then refused."""
    read_end, write_end = os.pipe()

    def yes() -> None:
        with contextlib.suppress(OSError), os.fdopen(write_end, "wb") as pipe:
            while True:
                pipe.write(b"y\n" * 65536)

    writer = threading.Thread(target=yes, daemon=True)
    writer.start()
    try:
        code, out, err = run("prove", f"/dev/fd/{read_end}", "--encodings", "encodings")
    finally:
        os.close(read_end)  # the writer's next write fails: it stops
    writer.join(timeout=10)
    assert code == cli.EXIT_INPUT and out == ""
    assert err == f"error: /dev/fd/{read_end}: cannot read the case file: it is larger than 32 MB, the most the checker reads for a case file\n"


def test_d9_a_case_file_on_a_pipe_still_works(repo: Path) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, (CASES / "examples.jsonl").read_bytes()[:4000].rsplit(b"\n", 1)[0] + b"\n")
    os.close(write_end)
    try:
        code, out, err = run("prove", f"/dev/fd/{read_end}", "--encodings", str(ENCODINGS))
    finally:
        os.close(read_end)
    assert code in (cli.EXIT_OK, cli.EXIT_FAIL), err
    assert "case(s) proved" in out


# ---- D5 and D21: the report folder, replaced whole, and only when it is a report -------------------


@pytest.fixture(scope="module")
def shop_report():
    """The analysis of a small document, for writing reports."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ENCODINGS / "vocabulary.yaml", root / "vocabulary.yaml")
        (root / "shop").mkdir()
        (root / "shop" / "source.txt").write_text(SOURCE, encoding="utf-8")
        (root / "shop" / "encoding.yaml").write_text(contradicting_shop.encoding("source.txt"), encoding="utf-8")
        workspace = Workspace.load([root])
        policy = workspace.policy(("shop",))
        yield [analyse(policy, "shop")], workspace.vocabulary, {"shop": policy}, root


def interrupt_at(monkeypatch, target: str, call: int) -> None:
    """`target` (a dotted name) raises KeyboardInterrupt on its `call`-th call."""
    module, name = target.rsplit(".", 1)
    import importlib
    owner = importlib.import_module(module) if module != "pathlib.Path" else Path
    real, calls = getattr(owner, name), []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


@pytest.mark.parametrize("where", ["pathlib.Path.write_bytes", "checker.files._swap_in", "os.chmod"])
def test_d5_an_interrupted_report_leaves_the_old_folder_whole(shop_report, tmp_path: Path, monkeypatch, where: str) -> None:
    analyses, vocabulary, policies, root = shop_report
    out = tmp_path / "out"
    write_report(analyses, vocabulary, policies, out, root=root)
    (out / "gone.clash.dot").write_text("digraph {}\n")  # an analysis the next report no longer has
    before = tree(out)
    interrupt_at(monkeypatch, where, 3 if where.endswith("write_bytes") else 1)
    with pytest.raises(KeyboardInterrupt):
        write_report(analyses, vocabulary, policies, out, root=root)
    assert tree(out) == before  # the old report, every file of it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # and no staging folder beside it

    monkeypatch.undo()
    written = write_report(analyses, vocabulary, policies, out, root=root)
    assert sorted(tree(out)) == sorted(p.name for p in written)  # the new one, whole, and nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_d5_without_an_atomic_exchange_the_folder_is_still_replaced_whole(shop_report, tmp_path: Path, monkeypatch) -> None:
    analyses, vocabulary, policies, root = shop_report
    out = tmp_path / "out"
    write_report(analyses, vocabulary, policies, out, root=root)
    (out / "gone.clash.dot").write_text("digraph {}\n")
    monkeypatch.setattr(checker.files, "_exchange", lambda first, second: False)  # not Linux: two renames
    written = write_report(analyses, vocabulary, policies, out, root=root)
    assert sorted(tree(out)) == sorted(p.name for p in written) and oct(out.stat().st_mode & 0o777) != "0o700"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_d21_report_refuses_a_folder_it_did_not_write(repo: Path) -> None:
    out = repo / "out"
    out.mkdir()
    for name, text in (("notes.txt", "mine\n"), ("index.html", "<p>my page</p>\n"), ("thesis.clash.dot", "digraph {}\n")):
        (out / name).write_text(text)
    before = tree(out)
    code, stdout, err = run("report", "encodings", "--out", "out")
    assert code == cli.EXIT_INPUT and stdout == ""
    assert err.startswith("error: out: refused to write the report into this folder: it holds files a report does not "
                          "(notes.txt)")
    assert tree(out) == before and sorted(p.name for p in repo.iterdir()) == ["baseline.yaml", "encodings", "out"]

    (out / "notes.txt").unlink()  # report files, but no report.json of an earlier report
    code, _, err = run("report", "encodings", "--out", "out")
    assert code == cli.EXIT_INPUT and "it has no report.json of an earlier report" in err

    encodings = tree(repo / "encodings")
    code, _, err = run("report", "encodings", "--out", "encodings")  # R04: the report would replace the policies
    assert code == cli.EXIT_INPUT and tree(repo / "encodings") == encodings

    shutil.rmtree(out)
    out.mkdir()  # an empty folder is fine, and so is an earlier report, then
    assert run("report", "encodings", "--out", "out")[0] == cli.EXIT_FAIL  # the shop clashes
    report = json.loads((out / "report.json").read_text())
    assert {"findings", "summary"} <= set(report)
    code, stdout, _ = run("report", "encodings", "--out", "out")
    assert code == cli.EXIT_FAIL and stdout.startswith("wrote ")

    (out / "report.md").unlink()
    (out / "report.md").mkdir()
    (out / "report.md" / "x").write_text("mine\n")  # the review's D5 repro: refused, left as it is
    before = tree(out)
    code, _, err = run("report", "encodings", "--out", "out")
    assert code == cli.EXIT_INPUT and "(report.md/)" in err and tree(out) == before


# ---- D6: an output that cannot be written ----------------------------------------------------------


def _full_disk(monkeypatch) -> None:
    """Every write of a file's contents fails as on a full disk (ENOSPC, no file name)."""
    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    real = checker.files.tempfile.mkstemp

    def staging_on_a_full_disk(*args, **kwargs):
        handle, name = real(*args, **kwargs)
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, handle)  # writes to the staging file fail with ENOSPC
        os.close(full)
        return handle, name

    monkeypatch.setattr(checker.files.tempfile, "mkstemp", staging_on_a_full_disk)


def _denied(monkeypatch) -> None:
    """A read-only folder (the tests run as root, where permissions do not apply)."""
    def denied(src, dst, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))

    monkeypatch.setattr(checker.files.os, "replace", denied)
    monkeypatch.setattr(checker.files.tempfile, "mkdtemp", lambda *a, **k: denied(k.get("dir"), None))


GATE = ["gate", "encodings", "--baseline", "baseline.yaml"]
D6_CASES = {
    # name: (arguments, what to set up, the file the message names, and what it says)
    "report into a file": (["report", "encodings", "--out", "taken"], None, "taken", "it is a file, not a folder"),
    "report into /dev/null": (["report", "encodings", "--out", "/dev/null"], None, "/dev/null", "it is a file"),
    "report under a file": (["report", "encodings", "--out", "taken/out"], None, "taken/out", "taken is a file, not a folder"),
    "report through a loop of links": (["report", "encodings", "--out", "loopy/out"], None, "loopy/out", "symbolic links"),
    "report into a read-only folder": (["report", "encodings", "--out", "out"], _denied, "out", "Permission denied"),
    "report on a full disk": (["report", "encodings", "--out", "out"], _full_disk, "out", "No space left on device"),
    "markdown into a folder": ([*GATE, "--markdown", "md"], None, "md", "it is a folder"),
    "sarif under a file": ([*GATE, "--sarif", "taken/x.sarif"], None, "taken/x.sarif", "taken is a file, not a folder"),
    "junit on a full disk": ([*GATE, "--junit", "gate.xml"], _full_disk, "gate.xml", "No space left on device"),
    "baseline into a read-only folder": (["gate", "encodings", "--write-baseline", "bl.yaml", "--reason", "ok"], _denied,
                                         "bl.yaml", "Permission denied"),
}


@pytest.mark.parametrize("name", sorted(D6_CASES))
def test_d6_an_output_that_cannot_be_written_exits_2(repo: Path, monkeypatch, name: str) -> None:
    args, setup, named, says = D6_CASES[name]
    (repo / "taken").write_text("a file, not a folder\n")
    (repo / "md").mkdir()
    (repo / "loopy").symlink_to("loopy")
    if setup:
        setup(monkeypatch)
    before = tree(repo)
    code, out, err = run(*args)
    assert code == cli.EXIT_INPUT, err
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"error: {named}: cannot ") and says in err and "internal error" not in err
    assert tree(repo) == before  # nothing written, nothing left behind


def test_d6_stdout_on_a_full_disk_or_a_console_that_is_not_utf8(repo: Path, monkeypatch) -> None:
    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Full())
    with contextlib.redirect_stderr(err):
        code = cli.main(["coverage", "encodings"])
    assert (code, err.getvalue()) == (cli.EXIT_INPUT, "error: cannot write the output: No space left on device\n")

    console = io.TextIOWrapper(io.BytesIO(), encoding="ascii")  # PYTHONIOENCODING=ascii
    monkeypatch.setattr(sys, "stdout", console)
    with contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(["check", "encodings"])
    console.flush()
    assert code == cli.EXIT_FAIL  # the shop's clash, printed: not a crash on the first curly quote
    assert "\\u201cOrders may be cancelled.\\u201d" in console.buffer.getvalue().decode("ascii")
