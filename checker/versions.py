"""Versions of the encodings: the working tree, or a git revision unpacked to a folder.

The gate and `diff` compare two versions. A revision is read with `git archive`
(never by checking it out), so the working tree and the index are left untouched.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import Location, fail
from .inputs.paths import Refused
from .load import document_folders, find_vocabulary


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise fail(Location(str(root)), "git is not installed: give a baseline file (--baseline) instead of a revision")
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True)


def repository_root(path: Path) -> Path:
    """The top of the git repository that holds `path`."""
    folder = path if path.is_dir() else path.parent
    done = _git(folder.resolve(), "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise fail(Location(str(path)), "not inside a git repository: give --baseline FILE, or run the gate in a clone")
    return Path(done.stdout.decode().strip()).resolve()


def is_revision(root: Path, spec: str) -> bool:
    return _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}").returncode == 0


def default_base(root: Path) -> str:
    """The merge base of HEAD with the default branch (origin's HEAD, else main or
    master); HEAD itself when there is no such branch, so the gate then checks the
    uncommitted edits."""
    candidates = []
    remote_head = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if remote_head.returncode == 0:
        candidates.append(remote_head.stdout.decode().strip())
    candidates += ["origin/main", "origin/master", "main", "master"]
    for branch in candidates:
        if is_revision(root, branch):
            base = _git(root, "merge-base", "HEAD", branch)
            if base.returncode != 0:  # never fall back to HEAD here: that would pass every edit
                raise fail(Location(str(root)), f"no merge base of HEAD and {branch} (a shallow clone? fetch the "
                                                "history, e.g. fetch-depth: 0, or give --base REV)")
            return base.stdout.decode().strip()
    if is_revision(root, "HEAD"):
        return "HEAD"
    raise fail(Location(str(root)), "the repository has no commit yet: there is no base to compare with")


def unpack(root: Path, revision: str, relative: Path, into: Path) -> Path | None:
    """Write the files under `relative` (a path inside the repository) as they are at
    `revision` into `into`; returns the unpacked path, or None when the path does not
    exist at that revision (the encodings were added since)."""
    if not is_revision(root, revision):
        raise fail(Location(str(root)), f"unknown git revision {revision!r}")
    spec = relative.as_posix() if str(relative) not in ("", ".") else "."
    done = _git(root, "archive", "--format=tar", revision, "--", spec)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace")
        if "did not match any files" in message:
            return None
        raise fail(Location(str(root)), f"git archive {revision} -- {spec} failed: {message.strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter=_refusing(revision))
    return into / relative


def _refusing(revision: str):
    """tarfile's `data` filter (no link out of the folder, no absolute path, no device),
    its refusals turned into unusable input naming the file; links that stay inside are
    unpacked, and the loader then confines each file to its folder as in the working tree."""
    def check(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, destination)
        except tarfile.FilterError as exc:
            what = f"a link to {member.linkname!r}" if member.issym() or member.islnk() else "a file"
            raise Refused(fail(Location(member.name),  # a path in the repository
                               f"refused: at revision {revision} this is {what}, which the checker does not "
                               f"read ({' '.join(str(exc).split())})").problems) from None
    return check


def vocabulary_in_repository(paths: list[Path], root: Path | None = None) -> Path:
    """The vocabulary that governs `paths` (searched upwards from their first document),
    provided it is inside the git repository (`root`, by default the one holding the
    paths): the search never reads a file above the repository."""
    root = root or repository_root(paths[0])
    vocabulary = find_vocabulary(document_folders(paths[0])[0].parent.resolve())
    if not vocabulary.is_relative_to(root):
        raise fail(Location(str(vocabulary)), f"the vocabulary is outside the git repository at {root}")
    return vocabulary


@contextmanager
def revision_folder(paths: list[Path], revision: str) -> Iterator[tuple[list[Path], str]]:
    """`paths` (in the working tree) as they are at `revision`, unpacked to a temporary
    folder for the duration of the block, with the full commit id. Paths that do not
    exist at the revision are left out."""
    root = repository_root(paths[0])
    commit = _git(root, "rev-parse", "--verify", f"{revision}^{{commit}}")
    if commit.returncode != 0:
        raise fail(Location(str(root)), f"unknown git revision {revision!r}")
    # the vocabulary (and the policy sets) sit above the document folders: unpack the
    # folder that holds the vocabulary, once, and find each path inside it
    holder = vocabulary_in_repository(paths, root).parent.relative_to(root)
    with tempfile.TemporaryDirectory(prefix="clausecheck-") as tmp:
        unpack(root, revision, holder, Path(tmp))
        unpacked = [Path(tmp) / p.resolve().relative_to(root) for p in paths]
        yield [p for p in unpacked if p.exists()], commit.stdout.decode().strip()
