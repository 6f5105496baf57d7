"""Replay of a bets CSV onto ``player.events`` (``playerseg replay``)."""

from playerseg.replay.events import bet_events
from playerseg.replay.producer import ReplayError, ReplayStats, replay_file
from playerseg.replay.rows import REQUIRED_COLUMNS, Bet, RowError, parse_bet
from playerseg.replay.source import MissingColumnsError, read_bets

__all__ = [
    "REQUIRED_COLUMNS",
    "Bet",
    "MissingColumnsError",
    "ReplayError",
    "ReplayStats",
    "RowError",
    "bet_events",
    "parse_bet",
    "read_bets",
    "replay_file",
]
