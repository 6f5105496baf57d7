"""Redis connections and Lua scripts."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript


def make_redis(url: str, **options: Any) -> Redis:
    """An asyncio Redis client returning bytes; the field registry decodes profile values."""
    options.setdefault("decode_responses", False)
    options.setdefault("health_check_interval", 30)
    return Redis.from_url(url, **options)


def load_script(redis: Redis, package: str, name: str) -> AsyncScript:
    """Register the Lua script ``name`` shipped in ``package``; calls use EVALSHA."""
    source = files(package).joinpath(name).read_text(encoding="utf-8")
    return redis.register_script(source)
