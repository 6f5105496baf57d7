"""Message placeholders: ``{{ field }}`` and ``{{ field | fallback text }}``.

The syntax is deliberately tiny (no loops, no filters, no expressions): operators write it in
a form, and every placeholder can be checked against the field registry when the action is
saved. Only ``{{`` opens a placeholder; a lone ``}}`` is literal text because JSON webhook
bodies end nested objects with it. The fallback is the text after ``|``, trimmed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass

_OPEN, _CLOSE = "{{", "}}"
# Field names as the registry spells them, including custom ``attributes.<name>``.
_INNER = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:\|(.*))?$", re.S
)


class TemplateError(ValueError):
    """A text whose placeholders cannot be read; the message gives the position."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{{ ... }}`` occurrence: its span in the text, field name and fallback."""

    start: int
    end: int
    name: str
    fallback: str | None


def parse(text: str) -> list[Placeholder]:
    """Every placeholder of ``text`` in order; raises TemplateError on a malformed one."""
    return list(_scan(text))


def _scan(text: str) -> Iterator[Placeholder]:
    pos = 0
    while (start := text.find(_OPEN, pos)) >= 0:
        end = text.find(_CLOSE, start + len(_OPEN))
        if end < 0:
            raise TemplateError(f"'{{{{' at position {start} is never closed with '}}}}'")
        inner = text[start + len(_OPEN) : end]
        if _OPEN in inner:
            raise TemplateError(f"'{{{{' at position {start} is not closed before the next '{{{{'")
        match = _INNER.match(inner)
        if match is None:
            snippet = text[start : end + len(_CLOSE)]
            raise TemplateError(
                f"{snippet!r} at position {start} is not a placeholder: "
                "write {{ field_name }} or {{ field_name | fallback text }}"
            )
        fallback = match.group(2)
        yield Placeholder(
            start, end + len(_CLOSE), match.group(1), None if fallback is None else fallback.strip()
        )
        pos = end + len(_CLOSE)


def placeholders(text: str) -> list[str]:
    """The distinct field names used in ``text``, in order of first use."""
    return list(dict.fromkeys(p.name for p in _scan(text)))


def unknown_placeholders(text: str, known: Container[str]) -> list[str]:
    """The field names used in ``text`` that ``known`` does not contain."""
    return [name for name in placeholders(text) if name not in known]


def render(
    text: str,
    values: Mapping[str, str | None],
    *,
    escape: Callable[[str], str] | None = None,
) -> str:
    """``text`` with each placeholder replaced by its value, else its fallback, else "".

    An empty value counts as missing so that the fallback shows instead of a blank.
    ``escape`` is applied to values and fallbacks (not to the literal text): pass
    ``json_escape`` for JSON bodies or ``html.escape`` for HTML so player data cannot break out.
    """
    out: list[str] = []
    pos = 0
    for p in _scan(text):
        out.append(text[pos : p.start])
        value = values.get(p.name)
        chosen = value if value else (p.fallback or "")
        out.append(escape(chosen) if escape is not None else chosen)
        pos = p.end
    out.append(text[pos:])
    return "".join(out)


def json_escape(value: str) -> str:
    """``value`` escaped for use inside a JSON string literal (without the quotes)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


#: A compiled text: literal strings and placeholders, in order.
Segments = list[str | Placeholder]


def segments(text: str) -> Segments:
    """``text`` split into literals and placeholders, compiled once per action."""
    out: Segments = []
    pos = 0
    for p in _scan(text):
        if p.start > pos:
            out.append(text[pos : p.start])
        out.append(p)
        pos = p.end
    if pos < len(text):
        out.append(text[pos:])
    return out
