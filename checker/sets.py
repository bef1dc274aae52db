"""Policy sets: documents read together (a marketplace's terms, a seller's policy, a
manufacturer's warranty), optionally ranked, with properties of their own.

`encodings/sets/NAME.yaml`:

    name: NAME
    title: what the set is
    documents: [marketplace, xstron]
    rank: [marketplace, xstron]   # optional, highest first: a clash between ranked
                                  # documents is reported as resolved by rank
    properties: [...]             # as in an encoding
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from .errors import InputError, Line, Location, fail
from .inputs.paths import confined
from .load import Property, PropertySpec, _Strict, parse_property, position, read_yaml, validate
from .vocabulary import Vocabulary

SETS_FOLDER = "sets"


class SetFile(_Strict):
    name: Line = Field(min_length=1)
    title: Line = ""
    documents: list[str] = Field(min_length=1)
    rank: list[str] = []
    properties: list[PropertySpec] = []


@dataclass(frozen=True)
class PolicySet:
    name: str
    title: str
    documents: tuple[str, ...]
    ranks: dict[str, int]  # document -> 1 for the highest
    properties: tuple[Property, ...]
    location: Location


def set_path(root: Path, name: str) -> Path:
    return root / SETS_FOLDER / f"{name}.yaml"


def available_sets(root: Path) -> list[str]:
    folder = root / SETS_FOLDER
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_set(root: Path, name: str, vocabulary: Vocabulary, known: set[str]) -> PolicySet:
    """The set `name`: `sets/NAME.yaml` under the encodings folder `root`, which must
    resolve inside `sets/` (a name with `..`, or a link out, is refused unread)."""
    path = set_path(root, name)
    folder = root / SETS_FOLDER
    confined(folder, root, what="sets folder", label="the encodings folder")
    confined(path, folder, what="policy set", label="the sets folder")
    if not path.is_file():
        names = ", ".join(available_sets(root)) or "none"
        raise fail(Location(str(path)), f"no policy set {name!r} (sets under {root / SETS_FOLDER}: {names})")
    root_node = read_yaml(path, inside=folder, label="the sets folder")
    data: SetFile = validate(SetFile, path, root_node)
    problems = []
    if data.name != name:
        problems.append(fail(position(path, root_node, ("name",)), f"the set is named {data.name!r} but its file is {path.name}"))
    for i, doc in enumerate(data.documents):
        if doc not in known:
            problems.append(fail(position(path, root_node, ("documents", i)),
                                 f"unknown document {doc!r} (known: {', '.join(sorted(known))})"))
    for i, doc in enumerate(data.rank):
        if doc not in data.documents:
            problems.append(fail(position(path, root_node, ("rank", i)), f"ranked document {doc!r} is not in the set's documents"))
    for key in ("documents", "rank"):  # a document twice would be analysed against itself, or ranked twice
        names = getattr(data, key)
        for i, doc in enumerate(names):
            if doc in names[:i]:
                first = position(path, root_node, (key, names.index(doc)))
                problems.append(fail(position(path, root_node, (key, i)),
                                     f"{key}: {doc!r} is listed twice (first at line {first.line}, column {first.column})"))
    properties = []
    for i, spec in enumerate(data.properties):
        try:
            properties.append(parse_property(vocabulary, path, root_node, i, spec, name))
        except InputError as exc:
            problems.append(exc)
    if problems:
        raise InputError([p for exc in problems for p in exc.problems])
    return PolicySet(name, data.title, tuple(data.documents), {d: i + 1 for i, d in enumerate(data.rank)},
                     tuple(properties), position(path, root_node, ()))
