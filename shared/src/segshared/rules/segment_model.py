"""The immutable model of a segment definition and its JSON form."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from segshared.rules.errors import RuleError

# Guards the parser's recursion; validate_segment_definition's max_depth is the real limit.
_MAX_NESTING = 64
_NODE_SHAPES = '{"and": [...]}, {"or": [...]}, {"card": <id>} or {"segment": <id>}'


@dataclass(frozen=True, slots=True)
class CardRef:
    """Members of a card."""

    card_id: int


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """Members of another segment."""

    segment_id: int


@dataclass(frozen=True, slots=True)
class And:
    """Intersection of the children."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Union of the children."""

    children: tuple[Node, ...]


Node: TypeAlias = And | Or | CardRef | SegmentRef
RefKind = Literal["card", "segment"]


@dataclass(frozen=True, slots=True)
class SegmentDefinition:
    """Members match `include` and not `exclude`."""

    include: Node
    exclude: Node | None = None


def parse_segment_definition(doc: Any) -> SegmentDefinition:
    """The model of a JSON definition; RuleError names the first malformed node."""
    if not isinstance(doc, dict):
        raise RuleError("definition", 'a definition is an object: {"include": ..., "exclude": ...}')
    for key in doc:
        if key not in ("include", "exclude"):
            raise RuleError(str(key), "unknown key; a definition has include and optional exclude")
    if "include" not in doc:
        raise RuleError("include", f"include is required: {_NODE_SHAPES}")
    exclude = doc.get("exclude")
    return SegmentDefinition(
        include=_node(doc["include"], "include", 1),
        exclude=None if exclude is None else _node(exclude, "exclude", 1),
    )


def _node(doc: Any, path: str, depth: int) -> Node:
    if depth > _MAX_NESTING:
        raise RuleError(path, f"nodes nest deeper than {_MAX_NESTING} levels")
    if not isinstance(doc, dict) or len(doc) != 1:
        raise RuleError(path, f"a node is exactly one of {_NODE_SHAPES}")
    ((key, value),) = doc.items()
    if key in ("and", "or"):
        if not isinstance(value, list):
            raise RuleError(f"{path}.{key}", f"{key} takes a list of nodes")
        children = tuple(_node(c, f"{path}.{key}[{i}]", depth + 1) for i, c in enumerate(value))
        return And(children) if key == "and" else Or(children)
    if key in ("card", "segment"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuleError(f"{path}.{key}", f"{key} must be a {key} id (a positive integer)")
        return CardRef(value) if key == "card" else SegmentRef(value)
    raise RuleError(f"{path}.{key}", f"unknown node; a node is one of {_NODE_SHAPES}")


def walk(defn: SegmentDefinition) -> Iterator[tuple[str, Node, int]]:
    """Every node with its path and depth (roots at 1), pre-order: include, then exclude."""
    roots = [("include", defn.include)]
    if defn.exclude is not None:
        roots.append(("exclude", defn.exclude))
    for root_path, root in roots:
        stack: list[tuple[str, Node, int]] = [(root_path, root, 1)]
        while stack:
            path, node, depth = stack.pop()
            yield path, node, depth
            if isinstance(node, And | Or):
                key = "and" if isinstance(node, And) else "or"
                kids = [(f"{path}.{key}[{i}]", c, depth + 1) for i, c in enumerate(node.children)]
                stack.extend(reversed(kids))


def segment_definition_to_doc(defn: SegmentDefinition) -> dict[str, Any]:
    """The canonical JSON document of a definition."""
    doc = {"include": _node_doc(defn.include)}
    if defn.exclude is not None:
        doc["exclude"] = _node_doc(defn.exclude)
    return doc


def _node_doc(node: Node) -> dict[str, Any]:
    if isinstance(node, CardRef):
        return {"card": node.card_id}
    if isinstance(node, SegmentRef):
        return {"segment": node.segment_id}
    key = "and" if isinstance(node, And) else "or"
    return {key: [_node_doc(c) for c in node.children]}
