"""Writing the audit log: a flush listener on a service's session factory records each change
of the tracked ORM classes a caller makes, inside the change's own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, event, insert, inspect, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from segshared import correlation
from segshared.audit import Actor, Changes, current_actor

_WRITTEN = "segshared.audit.written"


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it (dates as ISO 8601)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _changes(obj: Any, operation: str) -> dict[str, dict[str, Any]]:
    """``{field: {"before", "after"}}``: every column of a created or deleted row, the changed
    ones of an updated row."""
    state = inspect(obj)
    out: dict[str, dict[str, Any]] = {}
    for attr in state.mapper.column_attrs:
        value = _plain(getattr(obj, attr.key))
        if operation == "create":
            out[attr.key] = {"before": None, "after": value}
        elif operation == "delete":
            out[attr.key] = {"before": value, "after": None}
        else:
            history = state.attrs[attr.key].history
            if history.has_changes():
                before = _plain(history.deleted[0]) if history.deleted else None
                if before != value:
                    out[attr.key] = {"before": before, "after": value}
    return out


def _touched(session: Session) -> Iterator[tuple[Any, str]]:
    yield from ((o, "create") for o in session.new)
    yield from ((o, "update") for o in session.dirty if session.is_modified(o))
    yield from ((o, "delete") for o in session.deleted)


def merged(earlier: tuple[str, Changes], later: tuple[str, Changes]) -> tuple[str, Changes]:
    """One entry for two flushes of one entity in one transaction: a row created and then
    changed was created with the final values; each field keeps its first ``before``."""
    operation = "delete" if later[0] == "delete" else earlier[0]
    changes = dict(earlier[1])
    for name, change in later[1].items():
        first = changes.get(name, change)["before"]
        changes[name] = {"before": first, "after": change["after"]}
    return operation, changes


def _insert(
    connection: Connection, table: Table, actor: Actor, entity: tuple[str, str],
    entry: tuple[str, Changes],
) -> int:  # fmt: skip
    result = connection.execute(insert(table).values(
        at=datetime.now(UTC), key_id=actor.key_id, key_name=actor.key_name,
        entity_kind=entity[0], entity_id=entity[1], operation=entry[0], request=actor.request,
        changes=entry[1], correlation_id=correlation.correlation_id.get(),
    ))  # fmt: skip
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def install_audit(
    sessions: Callable[[], Session], *, table: Table, tracked: Mapping[type[Any], tuple[str, str]]
) -> None:
    """Log every change of the ``tracked`` classes (class -> (entity kind, id attribute))
    made through ``sessions`` (a sessionmaker) during a request."""
    if not isinstance(sessions, sessionmaker):
        raise TypeError("the audit log listens on a sessionmaker")

    @event.listens_for(sessions, "after_flush")
    def record(session: Session, _context: Any) -> None:
        actor = current_actor.get()
        if actor is None:
            return
        # (kind, id) -> (entry id, operation, changes) of this transaction's entries so far
        written: dict[tuple[str, str], tuple[int, str, Changes]] = session.info.setdefault(
            _WRITTEN, {}
        )
        connection = session.connection()
        for obj, operation in _touched(session):
            kind = tracked.get(type(obj))
            if kind is None:
                continue
            entity = (kind[0], str(getattr(obj, kind[1])))
            entry = (operation, _changes(obj, operation))
            if entity in written:
                entry_id, *earlier = written[entity]
                entry = merged((earlier[0], earlier[1]), entry)  # type: ignore[arg-type]
                connection.execute(update(table).where(table.c.id == entry_id)
                                   .values(operation=entry[0], changes=entry[1]))  # fmt: skip
            elif operation != "update" or entry[1]:
                entry_id = _insert(connection, table, actor, entity, entry)
            else:
                continue
            written[entity] = (entry_id, *entry)

    @event.listens_for(sessions, "after_transaction_end")
    def forget(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # flushes end subtransactions; wait for the outermost
            session.info.pop(_WRITTEN, None)
