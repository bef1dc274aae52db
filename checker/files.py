"""Writing output files whole or not at all: a failure or an interruption leaves the
previous file (or folder) as it was, never a mix.

Every output the checker writes goes through here: the gate's `--markdown`, `--sarif`
and `--junit` files and `--write-baseline` (`write_atomic`), and the report folder
(`write_folder`). A file that cannot be written is unusable input (exit 2) that
names it; nothing is left behind but the previous version.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .errors import InputError, Location, fail
from .interrupts import stop_if_interrupted
from .inputs.paths import resolved


def _cannot_write(path: Path | str, exc: OSError, what: str) -> InputError:
    """The error for `path`, naming the part of it that is in the way when it is not the
    file itself (a file where a folder is needed, a loop of links)."""
    reason = exc.strerror or str(exc)
    for parent in Path(os.path.abspath(path)).parents:
        if parent.exists() and not parent.is_dir():
            reason = f"{parent} is a file, not a folder"
            break
    return fail(Location(str(path)), f"cannot write the {what}: {reason}")


def _new_mode(existing: Path, default: int) -> int:
    """The permission bits of the file or folder replaced, or the default under the umask."""
    try:
        return existing.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return default & ~umask


def write_atomic(path: Path | str, content: str | bytes, what: str = "file") -> None:
    """Write `content` to `path` (its folder created if need be) through a temporary
    file beside it that is renamed over it: the file is the old one or the new one,
    whatever happens."""
    target = resolved(path)  # through a link: the file it points to is replaced
    data = content.encode() if isinstance(content, str) else content
    try:
        if target.is_dir():
            raise fail(Location(str(path)), f"cannot write the {what}: it is a folder, give a file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(staging, _new_mode(target, 0o666))  # mkstemp makes it private
            os.replace(staging, target)
        except BaseException:
            Path(staging).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _cannot_write(path, exc, what) from None


def write_folder(path: Path | str, files: dict[str, bytes], replaceable: Callable[[Path], str | None],
                 what: str = "folder") -> list[Path]:
    """Make `path` a folder that holds exactly `files` (name -> content), atomically: the
    new folder is written beside it, then swapped in with one rename, so that the folder
    is the previous one or the new one whatever happens. An existing folder that is not
    empty is replaced only when `replaceable(folder)` returns None; otherwise what it
    returns says why not, and nothing is written. Returns the files written."""
    target = resolved(path)
    location = Location(str(path))
    try:
        if target.exists() and not target.is_dir():
            raise fail(location, f"cannot write the {what} here: it is a file, not a folder")
        if target.is_dir() and any(target.iterdir()):
            refusal = replaceable(target)
            if refusal is not None:
                raise fail(location, refusal)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.clausecheck-", dir=target.parent))
        try:
            for name, content in files.items():
                (staging / name).write_bytes(content)
            os.chmod(staging, _new_mode(target, 0o777))  # mkdtemp makes it private
            stop_if_interrupted()  # a Ctrl-C swallowed on the way: keep the previous folder
            _swap_in(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous folder
    except OSError as exc:
        raise _cannot_write(path, exc, what) from None
    return [Path(path) / name for name in files]


def _swap_in(new: Path, target: Path) -> None:
    """Put the folder `new` at `target`; the previous folder at `target`, if any, ends up
    at `new`."""
    if not target.exists():
        try:
            os.rename(new, target)  # atomic; fails if a folder appeared there meanwhile
            return
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
    if _exchange(new, target):
        return
    # no atomic exchange here (not Linux, or a file system without it): two renames, and
    # the previous folder is put back if the second fails
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.clausecheck-old-", dir=target.parent))
    os.rmdir(aside)
    os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside, target)
        raise
    os.rename(aside, new)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False when
    the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
