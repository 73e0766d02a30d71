"""Notifier backends: the chain falls back in order, text is cut to platform limits, notify-send is safe."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rocketwatch.notify import (
    ChainNotifier,
    LogNotifier,
    Notification,
    NotifyError,
    NotifySendNotifier,
    PlyerNotifier,
    cut,
    desktop_backends,
)


class Failing:
    name = "failing"

    def send(self, notification: Notification) -> None:
        raise NotifyError("no service")


class Keeping:
    name = "keeping"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def test_chain_falls_back_to_the_next_backend_and_names_it() -> None:
    keeper = Keeping()
    chain = ChainNotifier([Failing(), keeper, LogNotifier()])
    assert chain.send(Notification("Title", "Body")) == "keeping"
    assert [n.title for n in keeper.sent] == ["Title"]


def test_chain_ends_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    chain = ChainNotifier([Failing(), LogNotifier()])
    with caplog.at_level("INFO"):
        assert chain.send(Notification("3 upcoming launches", "Next: Electron")) == "log"
    assert "3 upcoming launches — Next: Electron" in caplog.text


def test_chain_with_nothing_that_works_raises() -> None:
    with pytest.raises(NotifyError):
        ChainNotifier([Failing()]).send(Notification("a", "b"))


def test_cut_keeps_short_text_and_marks_cut_text() -> None:
    assert cut("short", 10) == "short"
    assert cut("x" * 100, 10) == "x" * 9 + "…"
    assert len(cut("word " * 100, 63)) == 63


def test_notify_send_passes_text_as_arguments_after_double_dash(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def run(args: list[str], **_kwargs: object) -> subprocess.CompletedProcess:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    notifier = NotifySendNotifier("/usr/bin/notify-send", run=run)
    notifier.send(Notification("-u critical $(rm -rf ~)", "<b>body</b>; `x`", icon=tmp_path / "i.png"))
    [args] = calls
    assert args[args.index("--app-name") + 1] == "RocketWatch"
    assert args[-3:] == ["--", "-u critical $(rm -rf ~)", "<b>body</b>; `x`"]
    assert str(tmp_path / "i.png") in args


def test_notify_send_failure_is_reported() -> None:
    def run(args: list[str], **_kwargs: object) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(args, 1, "", "Cannot connect to the bus")

    with pytest.raises(NotifyError, match="Cannot connect"):
        NotifySendNotifier("/usr/bin/notify-send", run=run).send(Notification("a", "b"))
    with pytest.raises(NotifyError, match="not installed"):
        NotifySendNotifier(executable="", run=run).send(Notification("a", "b"))


def test_plyer_on_windows_gets_text_within_its_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    import plyer

    seen: dict = {}
    monkeypatch.setattr(plyer.notification, "notify", lambda **kwargs: seen.update(kwargs))
    PlyerNotifier("win32").send(Notification("T" * 200, "B" * 500))
    assert len(seen["title"]) <= 63 and len(seen["message"]) <= 255
    assert seen["app_name"] == "RocketWatch"


def test_no_session_bus_means_no_desktop_backend_on_linux() -> None:
    assert desktop_backends("linux", env={}) == []
    assert desktop_backends("darwin", env={}) == []  # plyer needs pyobjus there: the tray message is used
    assert [b.name for b in desktop_backends("win32", env={})] == ["plyer"]


def test_plyer_on_windows_gets_an_ico_or_no_icon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import plyer

    seen: dict = {}
    monkeypatch.setattr(plyer.notification, "notify", lambda **kwargs: seen.update(kwargs))
    PlyerNotifier("win32").send(Notification("T", "B", icon=tmp_path / "thumb.jpg"))
    assert seen["app_icon"] == "" or seen["app_icon"].endswith(".ico")
