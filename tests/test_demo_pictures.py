"""The demo's pictures are the same pictures whatever port its stand-in listens on.

When the demo stand-in's usual port is taken it moves to another; the pictures kept must not be
downloaded again (their identity in the cache leaves out the port of a server on this computer).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import rocketwatch.session
from rocketwatch.cli import main
from rocketwatch.store.images import picture_identity


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that some other program is listening on."""
    with closing(socket.socket()) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_demo(home: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["--home", str(home), "--demo", "run", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_pictures_are_not_downloaded_again_when_the_stand_in_moves(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    taken_port: int,
    free_port: int,
) -> None:
    monkeypatch.setattr(rocketwatch.session, "DEMO_PORT", free_port)
    first = run_demo(home, capsys)
    assert first["images"]["downloaded"] > 0

    monkeypatch.setattr(rocketwatch.session, "DEMO_PORT", taken_port)  # taken: the stand-in moves
    second = run_demo(home, capsys)
    assert second["images"]["downloaded"] == 0
    assert second["images"]["cached"] == first["images"]["downloaded"]

    # and what the user sees still has its pictures
    assert main(["--home", str(home), "--demo", "launches", "--json"]) == 0
    launches = json.loads(capsys.readouterr().out)
    with_picture = [launch for launch in launches if launch["image_url"]]
    assert with_picture
    assert f":{taken_port}/" not in with_picture[0]["image_url"]
    assert all(launch["image_path"] and Path(launch["image_path"]).is_file() for launch in with_picture)


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("http://127.0.0.1:47474/media/demo/falcon.jpg", "http://127.0.0.1/media/demo/falcon.jpg"),
        ("http://127.0.0.1:51234/media/demo/falcon.jpg", "http://127.0.0.1/media/demo/falcon.jpg"),
        ("http://localhost:8000/a.png?size=2", "http://localhost/a.png?size=2"),
        ("http://[::1]:8000/a.png", "http://[::1]/a.png"),
        # a picture host elsewhere is known by its whole address, port included
        ("https://images.example.com:8443/a.png", "https://images.example.com:8443/a.png"),
        ("http://192.168.1.5:8000/a.png", "http://192.168.1.5:8000/a.png"),
        ("https://127.0.0.1/a.png", "https://127.0.0.1/a.png"),
        ("http://[::1/broken", "http://[::1/broken"),
        ("http://127.0.0.1:99999/a.png", "http://127.0.0.1:99999/a.png"),
    ],
)
def test_picture_identity(url: str, identity: str) -> None:
    assert picture_identity(url) == identity
