"""Segment membership: for one player, and for a whole shard as Redis set algebra."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from segshared.rules.errors import RuleError
from segshared.rules.segment_model import And, CardRef, Node, SegmentDefinition, SegmentRef

SetCommand = Literal["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]


def evaluate_segment(
    defn: SegmentDefinition,
    *,
    in_card: Callable[[int], bool],
    in_segment: Callable[[int], bool],
) -> bool:
    """Whether one player is a member, given their card and segment memberships."""

    def matches(node: Node) -> bool:
        if isinstance(node, CardRef):
            return in_card(node.card_id)
        if isinstance(node, SegmentRef):
            return in_segment(node.segment_id)
        results = (matches(c) for c in node.children)
        return all(results) if isinstance(node, And) else any(results)

    if not matches(defn.include):
        return False
    return defn.exclude is None or not matches(defn.exclude)


@dataclass(frozen=True, slots=True)
class SetOp:
    """One Redis command: `command dest *keys`."""

    command: SetCommand
    dest: str
    keys: tuple[str, ...]


@dataclass(slots=True)
class SetProgram:
    """Commands to run in order (last writes the destination); delete `scratch` afterwards."""

    ops: list[SetOp] = field(default_factory=list)
    scratch: list[str] = field(default_factory=list)


def compile_set_algebra(
    defn: SegmentDefinition,
    *,
    card_key: Callable[[int], str],
    segment_key: Callable[[int], str],
    scratch_key: Callable[[], str],
    dest: str,
) -> SetProgram:
    """The set algebra that stores the definition's members of one shard into `dest`."""
    # All keys must share one shard's hash tag (one Redis Cluster slot); missing keys read as
    # empty sets. Intermediates go to `dest` where they can, else to fresh scratch_key() keys,
    # so run the ops in one MULTI/EXEC or script when `dest` is visible to readers.
    program = SetProgram()

    def new_scratch() -> str:
        key = scratch_key()
        program.scratch.append(key)
        return key

    def emit(node: Node, target: str | None) -> str:
        # Returns the key holding the node's members; writes `target` only if it returns it.
        if isinstance(node, CardRef):
            return card_key(node.card_id)
        if isinstance(node, SegmentRef):
            return segment_key(node.segment_id)
        if not node.children:
            raise RuleError("definition", "empty and/or group; validate the definition first")
        if len(node.children) == 1:
            return emit(node.children[0], target)
        keys = tuple(emit(c, None) for c in node.children)
        out = target if target is not None else new_scratch()
        command: SetCommand = "SINTERSTORE" if isinstance(node, And) else "SUNIONSTORE"
        program.ops.append(SetOp(command, out, keys))
        return out

    # With an exclude, the include may still be built in `dest`: SDIFFSTORE may read its dest.
    include = emit(defn.include, dest)
    if defn.exclude is not None:
        program.ops.append(SetOp("SDIFFSTORE", dest, (include, emit(defn.exclude, None))))
    elif include != dest:
        program.ops.append(SetOp("SUNIONSTORE", dest, (include,)))
    return program
