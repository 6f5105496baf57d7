"""What the code offers to deployment files: runnable modules and the variables it reads.

Derived from the code itself (the settings classes, the CLI's parser), never from a hand list,
so that a renamed setting or entry point fails the deployment tests.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from pydantic import AliasChoices, AliasPath
from pydantic_settings import BaseSettings

from console_app.settings import ConsoleSettings
from playerseg.cli import build_parser
from segshared.settings import PlatformSettings

REPO = Path(__file__).resolve().parents[3]
#: Variables of the Python interpreter itself, which images may set.
INTERPRETER_VARIABLES = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}


def settings_variables(cls: type[BaseSettings]) -> set[str]:
    """Every environment variable a pydantic settings class reads (upper case)."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            # An alias replaces the prefixed name (pydantic-settings), each choice is read.
            names |= {c.upper() for c in alias.choices if isinstance(c, str)}
        elif isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasPath):
            names.add(str(alias.path[0]).upper())
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def console_variables() -> set[str]:
    """``CONSOLE_*``: one per field of the console's settings (``ConsoleSettings.from_env``)."""
    return {f"CONSOLE_{f.name.upper()}" for f in dataclasses.fields(ConsoleSettings)}


def _settings_class(package: str) -> type[BaseSettings]:
    module = importlib.import_module(f"{package}.settings")
    found = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, PlatformSettings)
        and obj.__module__ == module.__name__
    ]
    assert len(found) == 1, f"{package}.settings should define one settings class: {found}"
    return found[0]


def variables_read_by(package: str) -> set[str]:
    """The variables the processes of ``package`` (its top-level import name) read."""
    if package == "console_app":
        return console_variables()
    if package in ("playerseg", "segshared"):
        # The CLI reads the platform's settings (broker, partitions, Redis).
        return settings_variables(PlatformSettings)
    return settings_variables(_settings_class(package))


def runnable_module(module: str) -> str | None:
    """Why ``python -m module`` cannot run (None when it can: importable, with a ``main``)."""
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError as exc:
        return f"{module}: {exc}"
    if spec is None:
        return f"{module} is not importable"
    target = f"{module}.__main__" if spec.submodule_search_locations else module
    loaded = importlib.import_module(target)
    if not callable(getattr(loaded, "main", None)):
        return f"{target} has no main()"
    return None


def cli_commands() -> set[str]:
    """The subcommands of the ``playerseg`` console script."""
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return set(actions[0].choices or {})


def command_problem(argv: list[str]) -> str | None:
    """Why a container's argv would not start one of the platform's programs (None if fine)."""
    if argv[:2] == ["python", "-m"]:
        return runnable_module(argv[2])
    if argv[:1] == ["playerseg"]:
        return None if argv[1] in cli_commands() else f"playerseg has no command {argv[1]!r}"
    return f"{argv} runs neither `python -m <module>` nor `playerseg <command>`"


def package_of(argv: list[str]) -> str:
    """The top-level package whose code ``argv`` runs."""
    if argv[:2] == ["python", "-m"]:
        return argv[2].split(".")[0]
    return "playerseg"


def packages_in(sources: str) -> set[str]:
    """Top-level import names the repository folders of an image's SOURCES install."""
    found: set[str] = set()
    for folder in sources.split():
        project = tomllib.loads((REPO / folder / "pyproject.toml").read_text(encoding="utf-8"))
        find = project.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {})
        for where in find.get("where", ["."]):
            names = {p.parent.name for p in (REPO / folder / where).glob("*/__init__.py")}
            patterns = find.get("include", ["*"])
            found |= {n for n in names if any(fnmatch(n, pat) for pat in patterns)}
    return found
