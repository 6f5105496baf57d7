"""Card definition use cases (sync; the API runs them in a thread pool)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from card_svc.adapters.repository import CardRecord, CardRepository, DuplicateName
from card_svc.domain.cards import RULE, STATIC
from segshared.http import Conflict, NotFound
from segshared.rules import RuleError, parse_card_rule, validate_card_rule

SessionFactory = Callable[[], Session]


def checked_rule(doc: Any, *, max_window: timedelta) -> Any:
    """The rule document as written, once parsed and validated (RuleError names the path)."""
    validate_card_rule(parse_card_rule(doc), max_window=max_window)
    return doc


def _not_found(card_id: int) -> NotFound:
    return NotFound(f"card {card_id} does not exist")


def _save(session: Session, action: Callable[[CardRepository], CardRecord | None]) -> CardRecord:
    try:
        record = action(CardRepository(session))
    except DuplicateName as exc:
        raise Conflict(str(exc)) from exc
    if record is None:
        raise NotFound("the card does not exist")
    session.commit()
    return record


def create_rule_card(
    *, sessions: SessionFactory, name: str, description: str, rule: Any, max_window: timedelta
) -> CardRecord:
    """A new rule card."""
    doc = checked_rule(rule, max_window=max_window)
    with sessions() as s:
        return _save(s, lambda r: r.add(name=name, description=description, kind=RULE, rule=doc))


def create_static_card(
    *, sessions: SessionFactory, name: str, description: str, player_ids: Sequence[str]
) -> CardRecord:
    """A new card listing the uploaded players."""

    def add(repo: CardRepository) -> CardRecord:
        record = repo.add(name=name, description=description, kind=STATIC, rule=None)
        repo.replace_members(record.id, player_ids)
        return record

    with sessions() as s:
        return _save(s, add)


def update_card(
    *,
    sessions: SessionFactory,
    card_id: int,
    changes: dict[str, Any],
    max_window: timedelta,
) -> CardRecord:
    """Change name, description and/or rule; every change is a new revision."""
    with sessions() as s:
        repo = CardRepository(s)
        current = repo.get(card_id)
        if current is None:
            raise _not_found(card_id)
        if "rule" in changes:
            if current.kind == STATIC:
                raise RuleError("rule", "an uploaded card has no rule: upload its members instead")
            changes["rule"] = checked_rule(changes["rule"], max_window=max_window)
        return _save(s, lambda r: r.update(card_id, **changes))


def replace_members(
    *, sessions: SessionFactory, card_id: int, player_ids: Sequence[str]
) -> CardRecord:
    """New list of an uploaded card (a new revision)."""
    with sessions() as s:
        repo = CardRepository(s)
        current = repo.get(card_id)
        if current is None:
            raise _not_found(card_id)
        if current.kind != STATIC:
            raise Conflict(f"card {card_id} is defined by a rule; only uploaded cards take lists")
        repo.replace_members(card_id, player_ids)
        return _save(s, lambda r: r.update(card_id))


def get_card(*, sessions: SessionFactory, card_id: int) -> CardRecord:
    with sessions() as s:
        record = CardRepository(s).get(card_id)
    if record is None:
        raise _not_found(card_id)
    return record


def find_card(*, sessions: SessionFactory, name: str) -> CardRecord | None:
    with sessions() as s:
        return CardRepository(s).by_name(name)


def list_cards(
    *,
    sessions: SessionFactory,
    q: str | None,
    ids: Sequence[int] | None,
    limit: int,
    offset: int,
) -> tuple[list[CardRecord], int]:
    with sessions() as s:
        return CardRepository(s).search(q=q, ids=ids, limit=limit, offset=offset)


def delete_card(*, sessions: SessionFactory, card_id: int) -> CardRecord:
    """Remove the definition; workers then drop its sets (members exit)."""
    with sessions() as s:
        repo = CardRepository(s)
        record = repo.get(card_id)
        if record is None:
            raise _not_found(card_id)
        repo.delete(card_id)
        s.commit()
        return record


def card_ids(sessions: SessionFactory) -> list[int]:
    """Every card's id (metrics sample their sizes)."""
    with sessions() as session:
        return [record.id for record in CardRepository(session).all()]
