"""Items linked through the names they share: the connected groups (union-find).

Plain Python with no dependency, for the hot paths that group per case (the
evaluator's outcomes, the axioms' unknown facts); `components` groups a policy's
conjuncts once, with networkx."""

from __future__ import annotations

from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def linked_groups(items: Iterable[T], names_of: Callable[[T], Iterable[str]]) -> list[tuple[list[str], list[T]]]:
    """(names, items) for each group of items that share names, directly or through
    others, in the order the names first appear; items with no name come last, as one
    group with no names."""
    items = list(items)
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for item in items:
        names = sorted(names_of(item))
        for n in names[1:]:
            parent[root(n)] = root(names[0])
        if names:
            root(names[0])
    groups: dict[str, tuple[list[str], list[T]]] = {}
    for name in parent:
        groups.setdefault(root(name), ([], []))[0].append(name)
    loose = []
    for item in items:
        names = sorted(names_of(item))
        if names:
            groups[root(names[0])][1].append(item)
        else:
            loose.append(item)
    return list(groups.values()) + ([([], loose)] if loose else [])
