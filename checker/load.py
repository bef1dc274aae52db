"""Files -> validated models: the vocabulary, encodings and policy sets.

Everything is checked here (schema, names, types, quotes, overrides); every problem
names its file, line and column. Nothing past this module sees YAML or raw dicts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from graphlib import CycleError, TopologicalSorter
from itertools import accumulate
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode

from . import ir, syntax
from .errors import InputError, Line, Location, Problem, Text, fail, field_path, plain_text, shown
from .inputs.paths import SOURCE_TEXT_LIMIT, YAML_LIMIT, Refused, confined, read_text
from .sourcetext import SourceText
from .typecheck import TypeProblem, check_condition, check_consequence
from .vocabulary import EnumType, Vocabulary, VocabularyFile

VOCABULARY_FILE = "vocabulary.yaml"
ENCODING_FILE = "encoding.yaml"
SKIP_REASONS = ("heading", "navigation", "marketing", "procedure", "definition", "contact", "no-decision", "outside-vocabulary")


# ---- YAML with positions -------------------------------------------------------------

# Every YAML file the checker reads (vocabulary, encodings, sets, baselines) is small and
# flat: this limit (with the size limit of `inputs.paths`) refuses what no policy needs
# and a hostile file uses to hang or crash the loader (thousands of nested lists).
MAX_YAML_DEPTH = 50


_NUMBER = re.compile(r"[-+]?[0-9_.]+(?:[eE][-+]?[0-9]+)?")


class _PlainComposer(Composer):
    """A composer that refuses, each at its place: anchors and aliases (one alias per
    level of a ten-line file expands to a billion nodes), nesting deeper than
    MAX_YAML_DEPTH (the composer, the constructor and every walk after them recurse),
    a tag, a list or mapping as a key, and a number too long for int()."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ComposerError(None, None, "anchors and aliases (&name, *name, <<: *name) are not allowed: "
                                            "write each value out", event.start_mark)
        if getattr(event, "ctag", None) is not None:  # `!!omap` on a string, `!!int x`: the constructor's own bugs
            raise ComposerError(None, None, f"tags ({event.tag}) are not allowed: write the value as it is "
                                            "(in quotes for text)", event.start_mark)
        if self.depth >= MAX_YAML_DEPTH:
            raise ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
        if isinstance(parent, MappingNode) and index is None and isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            # `? {...}`: a key the constructor may not be able to hash, and no policy needs
            raise ComposerError(None, None, "a key must be a plain value, not a list or a mapping", event.start_mark)
        if isinstance(event, ScalarEvent) and event.style is None and _NUMBER.fullmatch(event.value) \
                and sum(ch.isdigit() for ch in event.value) > syntax.MAX_NUMBER_DIGITS:
            # YAML would read it with int(), which refuses more than 4,300 digits with a ValueError
            raise ComposerError(None, None, f"a number may have at most {syntax.MAX_NUMBER_DIGITS} digits",
                                event.start_mark)
        return super().compose_node(parent, index)


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, with a value it cannot build (`2026-02-30`, which
    YAML reads as a date) reported at its place instead of escaping as a bare
    ValueError: whatever goes wrong building a value from the file's text is the
    file's problem, at that value."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except MarkedYAMLError:
            raise
        except Exception as exc:  # noqa: BLE001 - ruamel's own, on input it did not expect
            raise ConstructorError(None, None, f"cannot read this value ({exc})", node.start_mark) from None


def read_yaml(path: Path, inside: Path | None = None, label: str = "its folder") -> Any:
    """The YAML tree of `path`; with `inside`, only when the file resolves inside that
    folder (`inputs.paths`: a regular file, at most YAML_LIMIT bytes)."""
    text = read_text(path, limit=YAML_LIMIT, inside=inside, label=label)
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer, yaml.Constructor = _PlainComposer, _Constructor
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise fail(loc, f"not valid YAML: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        where = getattr(exc, "position", None)  # a reader error (a NUL byte...) names a character position
        if isinstance(where, int) and 0 <= where <= len(text):
            line = text.count("\n", 0, where) + 1
            loc = Location(str(path), line, where - (text.rfind("\n", 0, where) + 1) + 1)
            raise fail(loc, f"not valid YAML: {str(exc).splitlines()[0]}") from None
        raise fail(Location(str(path)), f"not valid YAML: {exc}") from None


def position(path: Path, root: Any, loc: tuple) -> Location:
    """The location of the node at pydantic-style path `loc` under `root`."""
    node, line, col = root, 0, 0
    parent, last = None, None
    for key in loc:
        if key == "[key]" and isinstance(parent, CommentedMap):  # the error is the key's own
            try:
                line, col = parent.lc.key(last)
            except (KeyError, TypeError):
                pass
            break
        if isinstance(node, CommentedMap) and key in node:
            try:
                line, col = node.lc.value(key)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            parent, last = node, key
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line, col = node.lc.item(key)
            node = node[key]
        elif isinstance(node, (CommentedMap, CommentedSeq)):
            # not in the file: a missing key, or a step pydantic adds (the tag of a union,
            # `[key]` for a key's own error); the next steps may still be found below
            line, col = node.lc.line, node.lc.col
        else:
            break
    return Location(str(path), line + 1, col + 1)


def plain(node: Any) -> Any:
    """ruamel containers -> plain dicts and lists (for pydantic)."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def validate(model: type[BaseModel], path: Path, root: Any) -> Any:
    try:
        return model.model_validate(plain(root))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = field_path(err["loc"]) or "the file"
            problems.append(Problem(position(path, root, loc), f"{where}: {shown(err['msg'])}"))
        raise InputError(problems) from None


# ---- schemas -------------------------------------------------------------------------


def _quoted_id(value: Any) -> Any:
    """A clause id YAML read as a number (`id: 1.10` is 1.1) is refused, not converted."""
    if isinstance(value, (int, float)):
        raise ValueError(f"write the id in quotes (\"{value}\"), or YAML reads it as a number")
    return value


ClauseId = Annotated[Line, BeforeValidator(_quoted_id)]


def _override(entry: "str | OverrideSpec") -> ir.Override:
    if isinstance(entry, str):  # the older form: a bare id, which says nothing of the text's authority
        return ir.Override(entry, inferred="")
    return ir.Override(entry.clause, entry.stated, entry.inferred)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AcceptSpec(_Strict):
    """A finding about this clause that the policy owner accepts, and why (the CI gate
    does not fail on it)."""

    rule: Line = Field(min_length=1)    # a rule id (clash.within-document) or a kind (clash)
    reason: Text = Field(min_length=1)


class OverrideSpec(_Strict):
    """An exception to another clause, and on what authority: `stated` quotes the words of
    the text that make it (they must be in the source), `inferred` gives the encoder's
    reason where the text does not say so. A bare id is read as inferred."""

    clause: ClauseId = Field(min_length=1)
    stated: Text | None = Field(default=None, min_length=1)
    inferred: Text | None = Field(default=None, min_length=1)

    def model_post_init(self, context: Any) -> None:
        if (self.stated is None) == (self.inferred is None):
            raise ValueError("an exception is either `stated` (the words of the text that make it) "
                             "or `inferred` (why the encoding reads it so), not both or neither")


# A bare id (the older form) or an entry with its authority; the discriminator makes a
# bad entry report its own problem only, not also "input should be a valid string".
OverrideEntry = Annotated[Annotated[ClauseId, Tag("id")] | Annotated[OverrideSpec, Tag("entry")],
                          Discriminator(lambda value: "entry" if isinstance(value, dict) else "id")]


class ReadingSpec(_Strict):
    """Another reading of the clause: a labelled `when` and/or `then` in place of the
    clause's own, with a note saying why the text allows it."""

    label: Line = Field(min_length=1)
    note: Text = ""
    when: str | bool | None = None
    then: str | None = None

    def model_post_init(self, context: Any) -> None:
        if self.when is None and self.then is None:
            raise ValueError("a reading changes the clause's `when`, its `then`, or both")


class ConflictSpec(_Strict):
    """A collision the encoding cannot express even with readings, declared so that it is
    not lost: the two (or more) passages that collide, and a case in words."""

    id: Line = Field(min_length=1)
    quotes: list[Text] = Field(min_length=2)
    witness: Text = Field(min_length=1)
    clauses: list[ClauseId] = []


class ClauseSpec(_Strict):
    id: ClauseId = Field(min_length=1)
    heading: Line = ""
    quote: str | list[str]
    when: str | bool = True
    then: str
    overrides: list[OverrideEntry] = []
    # the clauses whose outcome this one states a necessary condition of ("To be eligible
    # for a replacement, ... must"): they apply only where this clause's `when` does not
    condition_of: list[ClauseId] = []
    note: Text = ""
    accept: list[AcceptSpec] = []
    readings: list[ReadingSpec] = []


    @field_validator("quote")
    @classmethod
    def _quotes_plain_text(cls, value: str | list[str]) -> str | list[str]:
        spans = [value] if isinstance(value, str) else value
        if not spans:
            raise ValueError("a clause quotes at least one span of the source text")
        for span in spans:
            plain_text(span)
        return value


class SkipSpec(_Strict):
    quote: Text = Field(min_length=1)
    reason: str
    note: Text = ""

    @field_validator("reason")
    @classmethod
    def _known_reason(cls, value: str) -> str:
        if value not in SKIP_REASONS:
            raise ValueError(f"reason must be one of {', '.join(SKIP_REASONS)}")
        return value


class PropertySpec(_Strict):
    id: Line
    statement: Text
    holds: str
    when: str | bool = True


class EncodingFile(_Strict):
    document: Line
    title: Line
    source: str = "source.txt"
    # the request kinds the document governs; without it, those its clauses mention
    scope: list[str] | None = None
    clauses: list[ClauseSpec]
    skipped: list[SkipSpec] = []
    properties: list[PropertySpec] = []
    conflicts: list[ConflictSpec] = []


# ---- loaded models -------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    quote: str
    reason: str
    note: str
    location: Location
    source_line: int


@dataclass(frozen=True)
class StaleQuote:
    """A quote (of a clause, or of a skipped sentence) that is no longer in the source:
    the text was edited and the encoding was not."""

    clause: str | None  # None: a skipped sentence
    quote: str
    location: Location  # of the quote in encoding.yaml


@dataclass(frozen=True)
class Property:
    document: str
    id: str
    statement: str
    when: ir.Expr
    holds: ir.Expr
    location: Location


@dataclass(frozen=True)
class Conflict:
    """A declared collision (`conflicts:`): reported as a declared clash."""

    id: str
    quotes: tuple[str, ...]
    witness: str
    clauses: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Document:
    name: str
    title: str
    folder: Path
    encoding_path: Path
    source: SourceText
    clauses: tuple[ir.Clause, ...]
    skipped: tuple[Skipped, ...]
    properties: tuple[Property, ...]
    stale: tuple[StaleQuote, ...] = ()  # only when loaded with `tolerate_stale`
    scope: tuple[str, ...] | None = None  # declared request kinds (`scope:`), None when not declared
    conflicts: tuple[Conflict, ...] = ()

    def clause(self, clause_id: str) -> ir.Clause:
        return next(c for c in self.clauses if c.id == clause_id)


def load_vocabulary(path: Path) -> Vocabulary:
    root = read_yaml(path, inside=path.parent)
    data = validate(VocabularyFile, path, root)
    locations: dict[tuple[str, str], Location] = {}
    seen: dict[str, str] = {}
    problems = []
    for section in ("facts", "outcomes"):
        for name in data.__getattribute__(section):
            locations[(section, name)] = position(path, root, (section, name))
            if name in seen:
                problems.append(Problem(locations[(section, name)], f"{name!r} is both a fact and an outcome"))
            seen[name] = section
    for name, spec in data.outcomes.items():
        if spec.type == "timestamp":  # neither back end can decide one: it is when something happened
            problems.append(Problem(position(path, root, ("outcomes", name, "type")),
                                    f"outcome {name!r} is a timestamp; an outcome is bool, enum or number "
                                    "(a time is a fact: put it under facts)"))
    vocab = Vocabulary.from_file(data, locations)
    for value in sorted(vocab.enum_values()):
        if value in seen:
            problems.append(Problem(locations[(seen[value], value)], f"{value!r} is both a name and an enum value; rename one"))
    requests: tuple[str, ...] = ()
    if "request" in vocab.facts:
        if isinstance(vocab.facts["request"].type, EnumType):
            requests = vocab.facts["request"].type.values
        else:  # asked_by, scope and the gap analysis read its values
            problems.append(Problem(position(path, root, ("facts", "request", "type")),
                                    "the fact 'request' is an enum: its values are the kinds of request "
                                    "(asked_by and scope name them)"))
    if "request" in vocab.outcomes:
        problems.append(Problem(locations[("outcomes", "request")], "'request' is a fact (what the customer asks for), "
                                                                    "not an outcome"))
    for var in vocab.outcomes.values():
        for kind in var.asked_by:
            if kind not in requests:
                problems.append(Problem(var.location, f"asked_by: {kind!r} is not a value of request"))
    if problems:
        raise InputError(problems)
    return replace(vocab, axioms=_axioms(vocab, path, root, data))


def _axioms(vocab: Vocabulary, path: Path, root: Any, data: VocabularyFile) -> tuple[ir.Axiom, ...]:
    """The `axioms:` section: each `holds` parsed and typed as a condition over facts."""
    axioms, problems, ids = [], [], {}
    for i, spec in enumerate(data.axioms):
        where = position(path, root, ("axioms", i))
        if spec.id in ids:
            problems.append(Problem(position(path, root, ("axioms", i, "id")),
                                    f"axiom id {spec.id!r} is used twice (first at line {ids[spec.id].line})"))
            continue
        ids[spec.id] = where
        try:
            holds = _parse(vocab, path, root, ("axioms", i, "holds"), spec.holds, consequence=False)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        read = sorted(ir.outcomes(holds))
        if read:
            problems.append(Problem(position(path, root, ("axioms", i, "holds")),
                                    f"an axiom reads facts only; {read[0]!r} is an outcome"))
            continue
        axioms.append(ir.Axiom(spec.id, " ".join(spec.meaning.split()), holds, spec.holds, where))
    if problems:
        raise InputError(problems)
    return tuple(axioms)


def _expr_location(path: Path, root: Any, loc: tuple, offset: int) -> Location:
    """The file position of character `offset` of the string scalar at `loc`."""
    base = position(path, root, loc)
    node = root
    for key in loc:
        node = node[key]
    try:
        text = path.read_text(encoding="utf-8")  # again, on this error path only: the tree keeps no text
    except (OSError, UnicodeDecodeError):
        return base
    found = _scalar_position(text, base.line, base.column, str(node), offset)
    return Location(base.file, *found) if found else base


def _scalar_position(text: str, line: int, column: int, value: str, offset: int) -> tuple[int, int] | None:
    """(line, column), from 1, of character `offset` of `value`, the string YAML read
    from the scalar whose token starts at `line`:`column` of `text`; None when the
    two cannot be matched.

    YAML changes the characters between the token and the string: a quote opens it,
    a block scalar (`>-`, `|`) starts on the next line, a line break and the next
    line's indentation fold into one space, `''` and `\\"` stand for one quote. So the
    string is matched against the file character by character: a run of white space
    against a run of white space (line breaks included), any other character against
    the same character, skipping what the file has more (quotes, backslashes)."""
    starts = list(accumulate((len(row) + 1 for row in text.split("\n")[:-1]), initial=0))
    if not 1 <= line <= len(starts) or starts[line - 1] + column - 1 >= len(text):
        return None
    j = starts[line - 1] + column - 1
    if text[j] in "\"'":
        j += 1
    elif text[j] in "|>":
        j = text.find("\n", j) + 1
        if j == 0:
            return None
        while j < len(text) and text[j].isspace() and not value[:1].isspace():
            j += 1  # the block's indentation
    extra = "\\\"'"  # what the file may have more than the string: escapes, doubled quotes
    i = 0
    while i < offset and i < len(value):
        if value[i].isspace():
            while i < len(value) and value[i].isspace():
                i += 1
            while j < len(text) and text[j].isspace():
                j += 1
            continue
        while j < len(text) and text[j] != value[i] and text[j] in extra:
            j += 1
        if j >= len(text) or text[j] != value[i]:
            return None
        i, j = i + 1, j + 1
    while j < len(text) and i < len(value) and text[j] != value[i] and text[j] in extra:
        j += 1
    row = bisect.bisect_right(starts, j) - 1
    return row + 1, j - starts[row] + 1


def _readings(vocab: Vocabulary, path: Path, root: Any, i: int, spec: ClauseSpec, when: ir.Expr,
              then: ir.Expr) -> tuple[ir.Reading, ...]:
    """The clause's other readings, each a whole `when` and `then` (the clause's own where
    the reading keeps it). Every problem of every reading is reported."""
    out, problems, labels = [], [], set()
    for j, r in enumerate(spec.readings):
        loc = ("clauses", i, "readings", j)
        if r.label in labels:
            problems.append(Problem(position(path, root, (*loc, "label")), f"clause {spec.id} has two readings labelled {r.label!r}"))
        labels.add(r.label)
        try:
            other_when = when if r.when is None else _parse(vocab, path, root, (*loc, "when"), r.when, consequence=False)
            other_then = then if r.then is None else _parse(vocab, path, root, (*loc, "then"), r.then, consequence=True)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if (other_when, other_then) == (when, then):
            problems.append(Problem(position(path, root, loc), f"reading {r.label!r} of clause {spec.id} is the clause as encoded"))
            continue
        out.append(ir.Reading(r.label, r.note, other_when, other_then, position(path, root, loc)))
    if problems:
        raise InputError(problems)
    return tuple(out)


def _parse(vocab: Vocabulary, path: Path, root: Any, loc: tuple, text: str | bool, consequence: bool) -> ir.Expr:
    if isinstance(text, bool):
        if consequence:
            raise fail(position(path, root, loc), "`then` must constrain an outcome, not be true or false")
        return ir.Const(text)
    try:
        node = syntax.parse(text)
        return check_consequence(vocab, node) if consequence else check_condition(vocab, node)
    except (syntax.ParseError, TypeProblem) as exc:
        near = text[exc.offset: exc.offset + 30].split("\n")[0]
        raise fail(_expr_location(path, root, loc, exc.offset), f"{exc.message} (at {near!r})" if near else exc.message) from None


def load_document(folder: Path, vocab: Vocabulary, tolerate_stale: bool = False) -> Document:
    """The document in `folder`. A quote missing from the source is an input error,
    unless `tolerate_stale` (the CI gate): then it is recorded in `Document.stale` and
    the clause is still loaded, so that the gate can report it as a finding."""
    # a document's files stay inside its folder, and the folder inside the one that holds it
    confined(folder, folder.parent, what="document folder", label="the folder that holds it")
    path = folder / ENCODING_FILE
    root = read_yaml(path, inside=folder, label="the document folder")
    data: EncodingFile = validate(EncodingFile, path, root)
    problems: list[Problem] = []
    if data.document != folder.name:
        problems.append(Problem(position(path, root, ("document",)), f"document is {data.document!r} but the folder is {folder.name!r}"))
    source_path = folder / data.source
    where = position(path, root, ("source",))
    if Path(data.source).is_absolute():
        raise fail(where, f"source: {data.source!r} must be a path relative to the document folder {folder}")
    source = SourceText(str(source_path), read_text(source_path, limit=SOURCE_TEXT_LIMIT, what="source text",
                                                    inside=folder, label="the document folder", where=where))

    clauses: list[ir.Clause] = []
    stale: list[StaleQuote] = []
    ids: dict[str, Location] = {}
    for i, spec in enumerate(data.clauses):
        where = position(path, root, ("clauses", i))
        if spec.id in ids:
            problems.append(Problem(position(path, root, ("clauses", i, "id")), f"clause id {spec.id!r} is used twice (first at line {ids[spec.id].line})"))
            continue
        ids[spec.id] = where
        quotes = (spec.quote,) if isinstance(spec.quote, str) else tuple(spec.quote)
        lines = []
        for j, q in enumerate(quotes):
            span = source.find(q)
            if span is None:
                qloc = position(path, root, ("clauses", i, "quote") if isinstance(spec.quote, str) else ("clauses", i, "quote", j))
                if tolerate_stale:
                    stale.append(StaleQuote(spec.id, q, qloc))
                else:
                    problems.append(Problem(qloc, f"quote of clause {spec.id} not found in {source_path.name}: {q[:60]!r}"))
            else:
                lines.append(source.line_of(span[0]))
        try:
            when = _parse(vocab, path, root, ("clauses", i, "when"), spec.when, consequence=False)
            then = _parse(vocab, path, root, ("clauses", i, "then"), spec.then, consequence=True)
            readings = _readings(vocab, path, root, i, spec, when, then)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        clauses.append(ir.Clause(
            document=data.document, id=spec.id, heading=spec.heading, quotes=quotes,
            when=when, then=then,
            when_text=spec.when if isinstance(spec.when, str) else str(spec.when).lower(),
            then_text=spec.then, overrides=tuple(_override(o) for o in spec.overrides), note=spec.note,
            location=where, source_lines=tuple(lines),
            accepted=tuple((a.rule, a.reason) for a in spec.accept), condition_of=tuple(spec.condition_of),
            readings=readings,
        ))

    graph: dict[str, set[str]] = {}
    by_id = {c.id: c for c in clauses}
    for i, spec in enumerate(data.clauses):
        links = [(_override(entry), ("clauses", i, "overrides", j)) for j, entry in enumerate(spec.overrides)]
        links += [(ir.Override(t, condition=True), ("clauses", i, "condition_of", j)) for j, t in enumerate(spec.condition_of)]
        named: set[str] = set()
        for link, loc in links:
            at, target = position(path, root, loc), link.target
            verb = "condition_of" if link.condition else "overrides"
            if target not in ids:
                problems.append(Problem(at, f"{verb} {target!r}: no clause with that id in {folder.name}"))
            elif target == spec.id:
                problems.append(Problem(at, f"clause {spec.id} cannot {'be a condition of' if link.condition else 'override'} itself"))
            elif target in named:
                problems.append(Problem(at, f"clause {spec.id} names {target} twice (under overrides and condition_of, "
                                            f"a clause is an exception to another or a condition of it, not both)"))
            else:
                named.add(target)
                graph.setdefault(spec.id, set()).add(target)
                narrowing, narrowed = by_id.get(spec.id), by_id.get(target)
                if narrowing and narrowed and not narrowing.decides & narrowed.decides:
                    what = "a condition of" if link.condition else "an exception to"
                    problems.append(Problem(at, f"clause {spec.id} is {what} {target} but decides none of the "
                                                f"outcomes {target} decides, so it would take nothing from it"))
            if link.is_stated and source.find(link.stated) is None:
                problems.append(Problem(position(path, root, (*loc, "stated")),
                                        f"the words that state the exception are not in {source_path.name}: {link.stated[:60]!r}"))
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = exc.args[1]
        problems.append(Problem(ids[cycle[0]], "overrides and conditions form a cycle: " + " -> ".join(reversed(cycle))))

    skipped = []
    for i, s in enumerate(data.skipped):
        span = source.find(s.quote)
        loc = position(path, root, ("skipped", i))
        if span is None:
            qloc = position(path, root, ("skipped", i, "quote"))
            if tolerate_stale:
                stale.append(StaleQuote(None, s.quote, qloc))
            else:
                problems.append(Problem(qloc, f"skipped quote not found in {source_path.name}: {s.quote[:60]!r}"))
            continue
        skipped.append(Skipped(s.quote, s.reason, s.note, loc, source.line_of(span[0])))

    properties = []
    for i, p in enumerate(data.properties):
        try:
            properties.append(parse_property(vocab, path, root, i, p, data.document))
        except InputError as exc:
            problems.extend(exc.problems)

    conflicts = []
    for i, spec in enumerate(data.conflicts):
        for j, q in enumerate(spec.quotes):
            if source.find(q) is None:
                problems.append(Problem(position(path, root, ("conflicts", i, "quotes", j)),
                                        f"quote of conflict {spec.id} not found in {source_path.name}: {q[:60]!r}"))
        for j, cid in enumerate(spec.clauses):
            if cid not in ids:
                problems.append(Problem(position(path, root, ("conflicts", i, "clauses", j)),
                                        f"conflict {spec.id} names {cid!r}: no clause with that id in {folder.name}"))
        conflicts.append(Conflict(spec.id, tuple(spec.quotes), spec.witness, tuple(spec.clauses),
                                  position(path, root, ("conflicts", i))))
    if len({c.id for c in conflicts}) < len(conflicts):
        problems.append(Problem(position(path, root, ("conflicts",)), "conflict ids are unique in a document"))

    kinds = vocab.facts["request"].type.values if "request" in vocab.facts else ()
    for j, kind in enumerate(data.scope or ()):
        if kind not in kinds:
            problems.append(Problem(position(path, root, ("scope", j)),
                                    f"scope: {kind!r} is not a request kind (one of {', '.join(kinds)})"))
    if problems:
        raise InputError(problems)
    return Document(data.document, data.title, folder, path, source, tuple(clauses), tuple(skipped), tuple(properties),
                    tuple(stale), None if data.scope is None else tuple(data.scope), tuple(conflicts))


def parse_property(vocab: Vocabulary, path: Path, root: Any, index: int, spec: PropertySpec, owner: str) -> Property:
    """Entry `index` of the `properties` list of a YAML file (an encoding or a policy set)."""
    when = _parse(vocab, path, root, ("properties", index, "when"), spec.when, consequence=False)
    holds = _parse(vocab, path, root, ("properties", index, "holds"), spec.holds, consequence=False)
    return Property(owner, spec.id, spec.statement, when, holds, position(path, root, ("properties", index)))


# ---- discovery -----------------------------------------------------------------------


def find_vocabulary(start: Path) -> Path:
    for folder in [start, *start.parents]:
        candidate = folder / VOCABULARY_FILE
        if candidate.is_file():
            return candidate
    raise fail(Location(str(start)), f"no {VOCABULARY_FILE} in this folder or any folder above it")


def document_folders(path: Path) -> list[Path]:
    """Document folders named by a path: a document folder, its encoding.yaml, or a folder of them."""
    if path.is_file() and path.name == ENCODING_FILE:
        return [path.parent]
    if (path / ENCODING_FILE).is_file():
        return [path]
    if path.is_dir():
        found = sorted(p.parent for p in path.glob(f"*/{ENCODING_FILE}"))
        if found:
            return found
        raise fail(Location(str(path)), f"no document here: expected {ENCODING_FILE} in it or in its sub-folders")
    raise fail(Location(str(path)), "no such file or folder")


def governing_vocabulary(paths: list[Path]) -> Vocabulary:
    """The vocabulary found above the first document under `paths` (no document is parsed)."""
    return load_vocabulary(find_vocabulary(document_folders(paths[0])[0].parent.resolve()))


def load_documents(paths: list[Path], only: set[str] | None = None,
                   vocabulary: Vocabulary | None = None, tolerate_stale: bool = False) -> tuple[Vocabulary, list[Document]]:
    """Load every document under `paths` (or only the folders named in `only`) with the
    vocabulary found above the first one."""
    folders: list[Path] = []
    for p in paths:
        for f in document_folders(p):
            if f.resolve() not in {x.resolve() for x in folders}:
                folders.append(f)
    vocab = vocabulary or governing_vocabulary(folders[:1])
    if only is not None:
        folders = [f for f in folders if f.name in only]
    documents, problems, refused = [], [], False
    for folder in folders:
        try:
            documents.append(load_document(folder, vocab, tolerate_stale))
        except InputError as exc:
            problems.extend(exc.problems)
            refused |= isinstance(exc, Refused)
    if problems:
        raise (Refused if refused else InputError)(problems)  # a refusal stays one (the gate's base)
    names = [d.name for d in documents]
    for name in set(names):
        if names.count(name) > 1:
            raise fail(Location(str(folders[0])), f"two documents are named {name!r}")
    return vocab, documents
