"""The session: one place that builds what a command works with, with the saved settings and the one-time
overrides kept apart; the entry layer has no import circle; one rate-limit warning for every front-end.
"""

from __future__ import annotations

import ast
from datetime import UTC
from pathlib import Path

import pytest

from rocketwatch.config import DEFAULT_API_URL, DEV_API_URL, ConfigError
from rocketwatch.rate_limit import rate_limit_warning
from rocketwatch.schedule import parse_every
from rocketwatch.session import Session

PACKAGE = Path(__file__).resolve().parents[1] / "rocketwatch"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_tray_app_does_not_import_the_command_line_back() -> None:
    for path in (PACKAGE / "ui").glob("*.py"):
        assert "rocketwatch.cli" not in imported_modules(path), f"{path.name} imports rocketwatch.cli"


def test_the_session_needs_no_qt() -> None:
    for name in ("session.py", "rate_limit.py", "config.py", "applog.py"):
        assert not any(
            module.startswith("PySide6") or module.startswith("rocketwatch.ui")
            for module in imported_modules(PACKAGE / name)
        ), name


def test_an_api_url_override_lays_over_the_saved_settings(home: Path) -> None:
    (home / "config.toml").write_text("[source]\nlimit = 3\n", encoding="utf-8")
    session = Session.from_options(str(home), "http://127.0.0.1:9/2.3.0/", False)
    session.load()
    assert session.config.source.api_url == "http://127.0.0.1:9/2.3.0"
    assert session.config.source.limit == 3
    assert session.saved_config.source.api_url == DEFAULT_API_URL  # what Settings would write
    assert session.identity() == {"demo": False, "api_url": "http://127.0.0.1:9/2.3.0"}


@pytest.mark.parametrize("url", ["", "   ", "ftp://example.org", "example.org/2.3.0"])
def test_an_unusable_api_url_is_refused(home: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="--api-url must be an http or https URL"):
        Session.from_options(str(home), url, False)


def test_the_demo_is_set_up_once_and_never_saved(home: Path) -> None:
    session = Session.from_options(str(home), None, True)
    session.load()
    session.start_demo()
    try:
        standin = session.standin
        assert standin is not None
        session.start_demo()
        assert session.standin is standin  # once per session
        assert session.config.source.api_url == standin.api_url
        assert session.saved_config.source.api_url == DEFAULT_API_URL
        assert "(from --demo)" in session.overrides.note(session.saved_config)
        with session.open_store() as store:
            record = session.make_runner(store).run("manual")
            assert record.state == "success"
            assert store.runs.get(record.id).state == "success"
    finally:
        session.stop_demo()
    assert session.standin is None
    assert not session.paths.config_file.exists()


def test_one_rate_limit_warning_explains_the_development_server() -> None:
    busy, calm = parse_every("*/2 * * * *"), parse_every("@hourly")
    warning = rate_limit_warning(busy, DEFAULT_API_URL, "", UTC)
    assert warning is not None
    assert "30 times" in warning and "15 requests an hour" in warning
    assert "development server" in warning and "no rate limit" in warning and "stale" in warning
    assert rate_limit_warning(calm, DEFAULT_API_URL, "", UTC) is None
    assert rate_limit_warning(busy, DEFAULT_API_URL, "a-token", UTC) is None
    assert rate_limit_warning(busy, DEV_API_URL, "", UTC) is None
    assert rate_limit_warning(busy, "http://127.0.0.1:8000/2.3.0", "", UTC) is None  # a local stand-in
