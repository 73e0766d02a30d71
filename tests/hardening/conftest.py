"""Fixtures for the hardening tests: a home with a runner on the stand-in, no DNS, and a watch on the disk.

No test here may send a DNS query off the machine: names other than localhost fail unless a test maps them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rig import Outside, Resolver, Rig

from rocketwatch.standin import StandIn


@pytest.fixture
def rig(home: Path, standin: StandIn) -> Iterator[Any]:
    """make(server=standin, **config) -> a Rig on the home; closed after the test."""
    made: list[Rig] = []

    def make(server: StandIn = standin, **config: Any) -> Rig:
        made.append(Rig(home, server, **config))
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """A real DNS lookup could leave the machine, so none is made: names resolve through this table."""
    fake = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def outside(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Outside:
    return Outside(tmp_path, home, monkeypatch)
