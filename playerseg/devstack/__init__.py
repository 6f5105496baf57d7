"""The embedded default stack: Tansu, Redis, the topics and every service under one supervisor."""

from playerseg.devstack.config import StackConfig
from playerseg.devstack.idle import IdleTimeout, wait_idle
from playerseg.devstack.ports import DEFAULT_PORTS, Ports, free_port, free_ports
from playerseg.devstack.stack import Stack
from playerseg.devstack.supervisor import ChildDied, Supervisor

__all__ = [
    "DEFAULT_PORTS",
    "ChildDied",
    "IdleTimeout",
    "Ports",
    "Stack",
    "StackConfig",
    "Supervisor",
    "free_port",
    "free_ports",
    "wait_idle",
]
