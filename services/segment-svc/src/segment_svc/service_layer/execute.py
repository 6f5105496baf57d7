"""Execute (preview): the members of an unsaved definition, computed by set algebra in Redis."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from segshared.keys import Keys
from segshared.members import MembersPage
from segshared.rules import SegmentDefinition, SetOp
from segshared.shard_programs import shard_program


class Views(Protocol):
    async def run_program(
        self, ops: Sequence[SetOp], *, scratch: Sequence[str], ttl_s: int
    ) -> None: ...

    async def page(
        self,
        shard_keys: Sequence[str],
        *,
        columns: Sequence[str],
        sort: str | None,
        descending: bool,
        offset: int,
        limit: int,
        reveal_anonymized: bool,
    ) -> MembersPage: ...

    async def delete(self, keys: Sequence[str]) -> None: ...


async def execute_definition(
    *,
    defn: SegmentDefinition,
    views: Views,
    keys: Keys,
    partitions: int,
    columns: Sequence[str],
    sort: str | None,
    descending: bool,
    offset: int,
    limit: int,
    ttl_s: int,
    reveal_anonymized: bool,
) -> MembersPage:
    """Exact count and one sorted page; the scratch sets carry a TTL and are deleted after."""
    token = uuid.uuid4().hex[:16]
    dests = [keys.scratch(p, f"exec:{token}") for p in range(partitions)]
    try:
        for p, dest in enumerate(dests):
            program = shard_program(defn, keys=keys, shard=p, dest=dest, token=f"exec:{token}")
            await views.run_program(program.ops, scratch=program.scratch, ttl_s=ttl_s)
        return await views.page(
            dests,
            columns=columns,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
            reveal_anonymized=reveal_anonymized,
        )
    finally:
        await views.delete(dests)
