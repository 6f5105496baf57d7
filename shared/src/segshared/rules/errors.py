"""The one error type of the rule model, shaped for a 422 response."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule or definition is invalid; `path` names the offending node, `message` the fix."""

    def __init__(self, path: str, message: str) -> None:
        # Both as args so the error pickles and compares like any exception.
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """The body of a 422 detail entry."""
        return {"path": self.path, "message": self.message}
