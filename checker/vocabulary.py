"""The shared vocabulary of facts and outcomes, validated from `vocabulary.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from . import syntax
from .errors import Line, Location, Text

if TYPE_CHECKING:  # ir imports this module; the axioms are typed expressions of ir
    from .ir import Axiom


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _condition_name(value: str) -> str:
    problem = syntax.name_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# A fact, an outcome or an enum value: a name the condition language can write.
Name = Annotated[str, AfterValidator(_condition_name)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class BoolSpec(_Strict):
    type: Literal["bool"]
    meaning: Text                      # the sentence when it is true
    negated: Text | None = None        # the sentence when it is false
    noun: Line | None = None           # (outcomes) what it decides: "the cancellation"
    if_true: Line | None = None        # (outcomes) a clause's effect: "allows the cancellation"
    if_false: Line | None = None       # (outcomes) "refuses the cancellation"
    asked_by: tuple[str, ...] = ()


class EnumSpec(_Strict):
    type: Literal["enum"]
    values: tuple[Name, ...] = Field(min_length=2)
    meaning: Text
    # per value: the sentence (a fact: "the order was placed online") or a clause's
    # effect (an outcome: "pays the refund by bank transfer")
    says: dict[Name, Line] | None = None
    noun: Line | None = None           # (outcomes) "the refund method"
    asked_by: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _distinct(self) -> "EnumSpec":
        if len(set(self.values)) != len(self.values):
            raise ValueError("enum values must be distinct")
        if self.says is not None and set(self.says) != set(self.values):
            missing, extra = set(self.values) - set(self.says), set(self.says) - set(self.values)
            raise ValueError("says: gives one phrase per value"
                             + (f"; missing {', '.join(sorted(missing))}" if missing else "")
                             + (f"; not a value: {', '.join(sorted(extra))}" if extra else ""))
        return self


class NumberSpec(_Strict):
    type: Literal["number"]
    unit: Line
    range: tuple[Finite, Finite]  # .inf, .nan and 1e400 (read as inf) have no exact value
    integer: bool = False
    meaning: Text
    noun: Line | None = None           # "the measured capacity", "the restocking fee"
    asked_by: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> "NumberSpec":
        if self.range[0] > self.range[1]:
            raise ValueError("range must be [low, high] with low <= high")
        return self


class TimestampSpec(_Strict):
    type: Literal["timestamp"]
    optional: bool = False
    meaning: Text                      # the sentence when it has happened
    event: Line | None = None          # the event as a noun: "the invoice"
    negated: Text | None = None        # the sentence when it has not happened
    asked_by: tuple[str, ...] = ()


# chosen by `type`, so that an error is the chosen spec's, not one line per kind of spec
Spec = Annotated[Union[BoolSpec, EnumSpec, NumberSpec, TimestampSpec], Field(discriminator="type")]


class AxiomSpec(_Strict):
    """One background rule of the life of an order, in the condition language."""

    id: str
    meaning: Text = Field(min_length=1)
    holds: str = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _kebab_case(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
            raise ValueError(f"an axiom id is kebab-case (lower-case words joined by '-', e.g. doa-after-delivery); got {value!r}")
        return value


class VocabularyFile(_Strict):
    facts: dict[Name, Spec]
    outcomes: dict[Name, Spec]  # bool, enum or number: `load_vocabulary` refuses a timestamp
    axioms: list[AxiomSpec] = []


# ---- typed view used by the rest of the checker -------------------------------------


@dataclass(frozen=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class EnumType:
    name: str  # the variable whose values these are
    values: tuple[str, ...]

    def __str__(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class NumberType:
    integer: bool = False
    low: Fraction | None = None
    high: Fraction | None = None
    unit: str = ""

    def __str__(self) -> str:
        return "whole number" if self.integer else "number"


@dataclass(frozen=True)
class TimestampType:
    optional: bool = False

    def __str__(self) -> str:
        return "timestamp"


VarType = Union[BoolType, EnumType, NumberType, TimestampType]


@dataclass(frozen=True)
class Words:
    """How a variable is said in English (`render.english`); empty where the vocabulary
    gives no phrase, and the renderer falls back to the name."""

    negated: str = ""
    noun: str = ""
    event: str = ""
    if_true: str = ""
    if_false: str = ""
    says: tuple[tuple[str, str], ...] = ()  # (enum value, phrase)


@dataclass(frozen=True)
class Variable:
    name: str
    kind: Literal["fact", "outcome"]
    type: VarType
    meaning: str
    asked_by: tuple[str, ...] = ()
    location: Location = field(default=Location("<vocabulary>"), compare=False)
    words: Words = field(default=Words(), compare=False)


def _to_type(name: str, spec: Spec) -> VarType:
    if isinstance(spec, BoolSpec):
        return BoolType()
    if isinstance(spec, EnumSpec):
        return EnumType(name, spec.values)
    if isinstance(spec, NumberSpec):
        return NumberType(spec.integer, Fraction(str(spec.range[0])), Fraction(str(spec.range[1])), spec.unit)
    return TimestampType(spec.optional)


def _words(spec: Spec) -> Words:
    says = getattr(spec, "says", None) or {}
    return Words(negated=getattr(spec, "negated", None) or "", noun=getattr(spec, "noun", None) or "",
                 event=getattr(spec, "event", None) or "", if_true=getattr(spec, "if_true", None) or "",
                 if_false=getattr(spec, "if_false", None) or "", says=tuple(says.items()))


@dataclass(frozen=True)
class Vocabulary:
    """Facts and outcomes by name, in file order (the order reports use), and the
    background axioms (the life of an order) that hold in every case."""

    facts: dict[str, Variable]
    outcomes: dict[str, Variable]
    axioms: tuple["Axiom", ...] = ()

    @staticmethod
    def from_file(data: VocabularyFile, locations: dict[tuple[str, str], Location]) -> "Vocabulary":
        facts = {
            n: Variable(n, "fact", _to_type(n, s), s.meaning, s.asked_by, locations.get(("facts", n), Location("<vocabulary>")),
                        _words(s))
            for n, s in data.facts.items()
        }
        outcomes = {
            n: Variable(n, "outcome", _to_type(n, s), s.meaning, s.asked_by, locations.get(("outcomes", n), Location("<vocabulary>")),
                        _words(s))
            for n, s in data.outcomes.items()
        }
        return Vocabulary(facts, outcomes)

    def lookup(self, name: str) -> Variable | None:
        return self.facts.get(name) or self.outcomes.get(name)

    def enum_values(self) -> set[str]:
        return {v for var in (*self.facts.values(), *self.outcomes.values())
                if isinstance(var.type, EnumType) for v in var.type.values}

    @property
    def timestamps(self) -> list[Variable]:
        return [v for v in self.facts.values() if isinstance(v.type, TimestampType)]
