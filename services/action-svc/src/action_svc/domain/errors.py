"""Located validation problems of an action definition, and their pydantic translation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

# Discriminated unions put the tag into the error location; users never typed it.
_SCHEDULE_TAGS = frozenset({"hours", "day", "week", "cron"})


@dataclass(frozen=True, slots=True)
class SpecError:
    """One problem: ``loc`` is a dotted path into the submitted JSON, ``msg`` says what to fix."""

    loc: str
    msg: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.msg}" if self.loc else self.msg


class SpecInvalid(ValueError):
    """An action definition with one or more problems; the API answers 422 with ``errors``."""

    def __init__(self, errors: Sequence[SpecError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


def loc_text(loc: Sequence[str | int]) -> str:
    """The dotted form of a pydantic location, without union tags."""
    parts = list(loc)
    if len(parts) > 2 and parts[0] == "schedule" and parts[1] in _SCHEDULE_TAGS:
        del parts[1]
    return ".".join(str(p) for p in parts)


def from_validation_error(
    exc: ValidationError, *, prefix: str = "", model: type[BaseModel] | None = None
) -> list[SpecError]:
    """SpecErrors with friendlier messages for unknown and missing fields."""
    errors: list[SpecError] = []
    for err in exc.errors(include_url=False):
        loc = loc_text(err["loc"])
        loc = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        kind, msg = err["type"], err["msg"]
        if kind == "extra_forbidden":
            msg = f"unknown field '{err['loc'][-1]}'"
            if model is not None and len(err["loc"]) == 1:
                msg += "; allowed: " + ", ".join(model.model_fields)
        elif kind == "missing":
            msg = "required"
        elif kind in ("union_tag_not_found", "union_tag_invalid"):
            # The only discriminated union of a spec is the schedule's "every".
            ctx = err.get("ctx", {})
            loc = f"{loc}.{ctx.get('discriminator', 'every').strip(chr(39))}"
            expected = ctx.get("expected_tags", "'hours', 'day', 'week', 'cron'")
            msg = f"required: one of {expected}"
            if kind == "union_tag_invalid":
                msg = f"must be one of {expected}, not {ctx.get('tag')!r}"
        elif msg.startswith(("Value error, ", "Assertion failed, ")):
            msg = msg.split(", ", 1)[1]
        errors.append(SpecError(loc, msg))
    return errors


def as_validation_error(title: str, errors: Iterable[SpecError]) -> ValidationError:
    """A pydantic ValidationError carrying each SpecError at its own location.

    Raised from a model validator it keeps the locations, so FastAPI's 422 lists every problem.
    """
    details: list[InitErrorDetails] = []
    for e in errors:
        loc = tuple(int(p) if p.isdigit() else p for p in e.loc.split(".")) if e.loc else ()
        details.append(
            InitErrorDetails(
                type=PydanticCustomError("action_spec", "{detail}", {"detail": e.msg}),
                loc=loc,
                input=None,
            )
        )
    return ValidationError.from_exception_data(title, details)
