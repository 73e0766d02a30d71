"""Settings: defaults, validation that names the key and the file, comments kept on save."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rocketwatch.config import DEFAULT_EVERY, Config, ConfigError, load_config, save_config
from rocketwatch.paths import paths_for


def test_missing_file_and_missing_keys_take_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()
    path = tmp_path / "config.toml"
    path.write_text("[source]\nlimit = 25\n")
    config = load_config(path)
    assert config.source.limit == 25 and config.pipeline == Config().pipeline


def test_the_default_schedule_is_one_the_parser_accepts() -> None:
    # Settings that keep the default schedule are read without the schedule parser (start-up speed),
    # so the default itself must be a schedule the parser accepts, and a daily one as documented.
    from rocketwatch.schedule import parse_every

    assert Config().schedule.every == DEFAULT_EVERY
    assert parse_every(DEFAULT_EVERY).next_fire_times(2, datetime(2026, 1, 1, 12, tzinfo=UTC), UTC) == [
        datetime(2026, 1, 2, tzinfo=UTC),
        datetime(2026, 1, 3, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[pipeline]\nretries = "three"', "pipeline.retries must be a whole number"),
        ("[source]\nlimit = 500", "source.limit must be between 1 and 100"),
        ('[source]\napi_url = "ftp://x"', "source.api_url must be an http or https URL"),
        ('[schedule]\nevery = "0 6 * * 8"', "schedule.every"),
        ("[pipeline]\ntimeout = true", "pipeline.timeout must be a number of seconds"),
        ("source = 3", "[source] must be a table"),
        ("[source\nlimit = 2", "is not valid TOML"),
    ],
)
def test_invalid_values_name_the_key_and_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_fractional_seconds_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[pipeline]\nretry_delay = 0.5\ntimeout = 2\n")
    config = load_config(path)
    assert config.pipeline.retry_delay == 0.5 and config.pipeline.timeout == 2.0


def test_save_keeps_comments_and_writes_user_only(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# my launches\n[source]\nlimit = 5  # enough for me\n\n[pipeline]\nretries = 1\n")
    config = load_config(path)
    save_config(path, replace(config, source=replace(config.source, limit=7, token="secret")))
    text = path.read_text()
    assert "# my launches" in text and "# enough for me" in text
    assert load_config(path).source.limit == 7 and load_config(path).source.token == "secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_home_puts_everything_under_one_folder(tmp_path: Path) -> None:
    paths = paths_for(tmp_path)
    assert paths.config_file == tmp_path / "config.toml"
    for folder in (paths.data_dir, paths.cache_dir, paths.log_dir, paths.images_dir):
        assert folder.is_relative_to(tmp_path)


def test_unknown_keys_and_sections_are_warnings_naming_the_closest_known_one(tmp_path: Path) -> None:
    from rocketwatch.config import read_config

    path = tmp_path / "config.toml"
    path.write_text(
        '[schedule]\nevry = "@hourly"\n\n[alerts]\nreminder = ["1h"]\n\n[colours]\nsky = "blue"\n'
    )
    config, warnings = read_config(path)
    assert config.schedule.every == "@daily"  # ignored, as before, but no longer silently
    assert warnings == [
        f"{path}, line 2: unknown key schedule.evry, ignored; did you mean schedule.every?",
        f"{path}, line 5: unknown key alerts.reminder, ignored; did you mean alerts.reminders?",
        f"{path}, line 7: unknown section [colours], ignored; the sections are general, source, schedule, "
        "pipeline, notifications, alerts, retention",
    ]


def test_saving_writes_only_the_settings_the_user_holds(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n[source]\nlimit = 5\n")
    config = load_config(path)
    save_config(path, replace(config, pipeline=replace(config.pipeline, retries=1)))
    assert path.read_text() == "# mine\n[source]\nlimit = 5\n\n[pipeline]\nretries = 1\n"


def test_a_file_set_aside_is_kept_whole_beside_the_original(tmp_path: Path) -> None:
    from rocketwatch.config import set_aside

    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff broken")
    first = set_aside(path)
    path.write_bytes(b"\xfe broken again")
    second = set_aside(path)
    assert first != second and not path.exists()
    assert first.read_bytes() == b"\xff broken" and second.read_bytes() == b"\xfe broken again"
    assert first.name.startswith("config.toml.broken-")


def test_source_mode_and_pages_default_to_one_detailed_page_of_100_and_are_checked(tmp_path: Path) -> None:
    from rocketwatch.config import config_from_mapping

    source = Config().source
    assert (source.mode, source.limit, source.pages) == ("detailed", 100, 1)
    assert Config().alerts.landings is True and Config().alerts.updates is False
    assert config_from_mapping({"source": {"mode": "normal", "pages": 3}}).source.pages == 3
    with pytest.raises(ConfigError, match=r'source\.mode must be "detailed" or "normal"'):
        config_from_mapping({"source": {"mode": "list"}})
    with pytest.raises(ConfigError, match=r"source\.pages must be between 1 and 20"):
        config_from_mapping({"source": {"pages": 0}})


def test_a_token_no_request_could_carry_is_refused_naming_the_key(tmp_path: Path) -> None:
    from rocketwatch.config import config_from_mapping

    with pytest.raises(ConfigError, match=r"source\.token must be the token LL2 gave you"):
        config_from_mapping({"source": {"token": "abc def"}})
    assert config_from_mapping({"source": {"token": "  abc123  "}}).source.token == "abc123"
