"""Reading the files a user names or a repository holds: confined, regular, bounded.

Every file the checker reads from the encodings (a document's `encoding.yaml` and
source text, `vocabulary.yaml`, `sets/NAME.yaml`) and every input file named on the
command line (a case file, a baseline) is read through `read_bytes` or `read_text`:

- confined: with `inside=FOLDER`, the path is resolved (every symbolic link followed,
  `..` taken) and must lie inside FOLDER, itself resolved; otherwise nothing is
  opened. A policy's edit can therefore never make the checker read, let alone
  print, a file outside the folder it belongs to;
- regular: a folder, a device (`/dev/zero`) or a socket is refused before anything is
  read; a pipe only where `pipes=True` (a case file fed on `/dev/stdin`). Opening
  never blocks on a named pipe;
- bounded: at most `limit` bytes are read; a larger file is refused.

Every refusal is an `InputError` (exit 2) at `where` (by default the file itself)
that names the file. SECURITY.md states these rules for users.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError, Location, fail

MiB = 1 << 20
# A policy's source text. The largest seed is 13 KB; the longest published policies
# run to a few hundred KB.
SOURCE_TEXT_LIMIT = 2 * MiB
# A YAML file: encoding.yaml (the largest seed encoding is 41 KB), vocabulary.yaml,
# sets/NAME.yaml, a baseline (about 500 bytes an accepted finding).
YAML_LIMIT = 8 * MiB
# A case file: 10,000 cases that give every fact of the vocabulary are 13 MB as JSON
# Lines, 16 to 19 MB as a JSON list indented by 2 or 4.
CASES_LIMIT = 32 * MiB


class Refused(InputError):
    """A file refused for where it leads (outside its folder): unusable input that
    no caller may take for a mere unreadable file."""


_OPEN = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_CHUNK = MiB


def resolved(path: Path | str, where: Location | None = None) -> Path:
    """`path` made absolute with every symbolic link followed (it need not exist)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links: RuntimeError before Python 3.13
        reason = getattr(exc, "strerror", None) or "too many levels of symbolic links"
        named = f" {path}" if where is not None else ""  # else the location names it
        raise fail(where or Location(str(path)), f"cannot follow the path{named}: {reason}") from None


def confined(path: Path | str, folder: Path | str, *, what: str = "file", label: str = "its folder",
             where: Location | None = None) -> Path:
    """`path` resolved, when it lies inside `folder` (resolved too, or equal to it);
    otherwise `Refused`, an InputError that names both, and nothing is opened."""
    target, home = resolved(path, where), resolved(folder, where)
    if target == home or target.is_relative_to(home):
        return target
    plain = Path(os.path.abspath(path))  # `..` taken, links not followed
    how = "is" if plain == target else f"leads to {target}, which is"
    named = f" {path}" if where is not None else ""  # else the location names it
    raise Refused(fail(where or Location(str(path)),
                       f"refused to read the {what}{named}: it {how} outside {label} {folder} (the checker "
                       f"reads only files inside {label}; symbolic links are followed to check)").problems)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def read_bytes(path: Path | str, *, limit: int, what: str = "file", inside: Path | str | None = None,
               label: str = "its folder", where: Location | None = None, pipes: bool = False) -> bytes:
    """The bytes of the regular file at `path` (a pipe too, with `pipes`), at most
    `limit` of them; with `inside`, only when the file resolves inside that folder."""
    at = where or Location(str(path))
    named = f" {path}" if where is not None else ""

    def refuse(reason: str) -> InputError:
        return fail(at, f"cannot read the {what}{named}: {reason}")

    target = confined(path, inside, what=what, label=label, where=where) if inside is not None else Path(path)
    try:
        handle = os.open(target, _OPEN)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None
    too_large = f"it is larger than {limit // MiB} MB, the most the checker reads for a {what}"
    try:
        info = os.fstat(handle)
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise refuse(too_large)
        elif pipes and stat.S_ISFIFO(info.st_mode):
            os.set_blocking(handle, True)
        else:
            raise refuse(f"it is {_kind(info.st_mode)}, not a regular file")
        chunks, size = [], 0
        while size <= limit:  # a file that grows while it is read is cut off here too
            chunk = os.read(handle, min(_CHUNK, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise refuse(too_large)
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None
    finally:
        os.close(handle)


def read_text(path: Path | str, *, limit: int, what: str = "file", inside: Path | str | None = None,
              label: str = "its folder", where: Location | None = None, pipes: bool = False) -> str:
    """`read_bytes`, decoded as UTF-8."""
    data = read_bytes(path, limit=limit, what=what, inside=inside, label=label, where=where, pipes=pipes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        named = f" {path}" if where is not None else ""
        raise fail(where or Location(str(path)), f"cannot read the {what}{named}: {exc}") from None
