"""The condition language: tokens and a recursive-descent parser to an untyped AST.

Grammar (lowest precedence first):

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
             | sum "is" ["not"] "none"
             | sum ["not"] "in" "[" NAME ("," NAME)* "]"
    sum     := atom (("+" | "-") atom)*
    atom    := NUMBER | "true" | "false" | NAME | NAME "(" expr ("," expr)* ")"
             | "(" expr ")" | "-" atom

Nothing here knows the vocabulary; `typecheck` resolves names and types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

KEYWORDS = {"and", "or", "not", "in", "is", "none", "true", "false"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\(|\)|\[|\]|,))"
)


class ParseError(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            tokens.append(Token("end", "", pos))
            return tokens
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ParseError(pos, f"unexpected character {text[pos]!r}")
        kind = match.lastgroup or "op"
        start = match.start(kind)
        tokens.append(Token(kind, match.group(kind), start))
        pos = match.end()


# ---- AST: every node keeps its offset in the source string (not part of equality) ----


@dataclass(frozen=True)
class Node:
    offset: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Name(Node):
    ident: str


@dataclass(frozen=True)
class Number(Node):
    value: Fraction


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class And(Node):
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class IsNone(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class Member(Node):
    operand: Node
    values: tuple[Name, ...]
    negated: bool


@dataclass(frozen=True)
class Arith(Node):
    op: str  # "+" or "-"
    left: Node
    right: Node


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, text: str) -> bool:
        return self.tok.kind in ("op", "name") and self.tok.text == text

    def expect(self, text: str, what: str) -> Token:
        if not self.at(text):
            raise ParseError(self.tok.offset, f"expected {what}, found {self._found()}")
        return self.take()

    def _found(self) -> str:
        return "end of condition" if self.tok.kind == "end" else repr(self.tok.text)

    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            raise ParseError(self.tok.offset, f"expected 'and', 'or' or end of condition, found {self._found()}")
        return node

    def expr(self) -> Node:
        start = self.tok.offset
        items = [self.conj()]
        while self.at("or"):
            self.take()
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items), offset=start)

    def conj(self) -> Node:
        start = self.tok.offset
        items = [self.negation()]
        while self.at("and"):
            self.take()
            items.append(self.negation())
        return items[0] if len(items) == 1 else And(tuple(items), offset=start)

    def negation(self) -> Node:
        if self.at("not"):
            start = self.take().offset
            return Not(self.negation(), offset=start)
        return self.compare()

    def compare(self) -> Node:
        left = self.sum()
        if self.tok.kind == "op" and self.tok.text in COMPARISONS:
            op = self.take().text
            return Compare(op, left, self.sum(), offset=left.offset)
        if self.at("is"):
            self.take()
            negated = False
            if self.at("not"):
                self.take()
                negated = True
            self.expect("none", "'none' after 'is'")
            return IsNone(left, negated, offset=left.offset)
        if self.at("in") or (self.at("not") and self._next_is("in")):
            negated = self.take().text == "not"
            if negated:
                self.take()
            self.expect("[", "'[' to open the list of values")
            values = [self._value_name()]
            while self.at(","):
                self.take()
                values.append(self._value_name())
            self.expect("]", "',' or ']' in the list of values")
            return Member(left, tuple(values), negated, offset=left.offset)
        return left

    def _next_is(self, text: str) -> bool:
        nxt = self.tokens[self.i + 1]
        return nxt.kind == "name" and nxt.text == text

    def _value_name(self) -> Name:
        t = self.tok
        if t.kind != "name" or t.text in KEYWORDS:
            raise ParseError(t.offset, f"expected a value name in the list, found {self._found()}")
        self.take()
        return Name(t.text, offset=t.offset)

    def sum(self) -> Node:
        node = self.atom()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take().text
            node = Arith(op, node, self.atom(), offset=node.offset)
        return node

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.take()
            return Number(Fraction(t.text), offset=t.offset)
        if t.kind == "op" and t.text == "(":
            self.take()
            node = self.expr()
            self.expect(")", "')'")
            return node
        if t.kind == "op" and t.text == "-":
            self.take()
            operand = self.atom()
            return Arith("-", Number(Fraction(0), offset=t.offset), operand, offset=t.offset)
        if t.kind == "name":
            if t.text in ("true", "false"):
                self.take()
                return Boolean(t.text == "true", offset=t.offset)
            if t.text in KEYWORDS:
                raise ParseError(t.offset, f"expected a name, number or '(', found keyword {t.text!r}")
            self.take()
            if self.at("("):
                self.take()
                args = [self.expr()]
                while self.at(","):
                    self.take()
                    args.append(self.expr())
                self.expect(")", "',' or ')' after the arguments")
                return Call(t.text, tuple(args), offset=t.offset)
            return Name(t.text, offset=t.offset)
        raise ParseError(t.offset, f"expected a name, number or '(', found {self._found()}")


def parse(text: str) -> Node:
    """Parse a condition; raise ParseError with the offset of the first problem."""
    if not text.strip():
        raise ParseError(0, "empty condition")
    return _Parser(text).parse()
