"""The condition language: tokens and a recursive-descent parser to an untyped AST.

Grammar (lowest precedence first):

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
             | sum "is" ["not"] "none"
             | sum ["not"] "in" "[" NAME ("," NAME)* "]"
    sum     := atom (("+" | "-") atom)*
    atom    := NUMBER | "true" | "false" | NAME | NAME "(" expr ("," expr)* ")"   (a function, or `if`)
             | "(" expr ")" | "-" atom

Nothing here knows the vocabulary; `typecheck` resolves names and types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

KEYWORDS = {"and", "or", "not", "in", "is", "none", "true", "false"}
FUNCTIONS = ("hours", "days", "working_days", "years", "discretion", "if")
RESERVED = KEYWORDS | set(FUNCTIONS)  # no fact, outcome or enum value may be named so
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"  # ASCII only: a confusable letter is an error, not another name

# Limits checked here, once, so that nothing past the parser (type checker, both back
# ends, the renderers, all of which walk trees recursively) can recurse too deep or
# meet Python's 4,300-digit limit on int/str conversion.
MAX_DEPTH = 50
MAX_NUMBER_DIGITS = 128

_TOKEN = re.compile(
    r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]+)?)|(?P<name>" + IDENTIFIER + r")"
    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\(|\)|\[|\]|,))"
)


def name_problem(name: str) -> str | None:
    """Why a condition cannot refer to `name` (a fact, an outcome or an enum value of
    the vocabulary), or None when it can."""
    if not re.fullmatch(IDENTIFIER, name):
        return (f"{name!r} is not a name a condition can use: letters a-z and A-Z, digits and '_', "
                "not starting with a digit")
    if name in RESERVED:
        kind = "a keyword" if name in KEYWORDS else "a function"
        return f"{name!r} is {kind} of the condition language; choose another name"
    return None


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
        if kind == "number" and len(match.group(kind)) - match.group(kind).count(".") > MAX_NUMBER_DIGITS:
            raise ParseError(start, f"a number may have at most {MAX_NUMBER_DIGITS} digits")
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
        self.depth = 0  # of the parser's own recursion: parentheses, calls, 'not', unary '-'

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(offset, _too_deep())

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
            self.enter(start)
            node = Not(self.negation(), offset=start)
            self.depth -= 1
            return node
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
            self.enter(t.offset)
            node = self.expr()
            self.expect(")", "')'")
            self.depth -= 1
            return node
        if t.kind == "op" and t.text == "-":
            self.take()
            self.enter(t.offset)
            operand = self.atom()
            self.depth -= 1
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
                self.enter(t.offset)
                args = [self.expr()]
                while self.at(","):
                    self.take()
                    args.append(self.expr())
                self.expect(")", "',' or ')' after the arguments")
                self.depth -= 1
                return Call(t.text, tuple(args), offset=t.offset)
            return Name(t.text, offset=t.offset)
        raise ParseError(t.offset, f"expected a name, number or '(', found {self._found()}")


def _too_deep() -> str:
    return (f"the condition nests more than {MAX_DEPTH} levels deep (parentheses, 'not', '-', "
            "or the terms of a sum); write it flatter")


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Not, IsNone, Member)):
        return (node.operand,)
    if isinstance(node, (And, Or)):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _check_depth(root: Node) -> None:
    """Refuse a tree more than MAX_DEPTH nodes high (a long chain of `+` is one, though
    the parser reads it without recursion). Iterative: it must not recurse itself."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(node.offset, _too_deep())
        stack.extend((child, depth + 1) for child in children(node))


def parse(text: str) -> Node:
    """Parse a condition; raise ParseError with the offset of the first problem.
    The tree returned is at most MAX_DEPTH nodes high."""
    if not text.strip():
        raise ParseError(0, "empty condition")
    node = _Parser(text).parse()
    _check_depth(node)
    return node
