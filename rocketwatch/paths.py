"""Where RocketWatch keeps its files: the platform's folders, or one folder given by --home or
ROCKETWATCH_HOME (tests, benchmarks, --demo). Apart from the settings schema in config.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from rocketwatch import APP_ID


@dataclass(frozen=True, slots=True)
class Paths:
    """Every place RocketWatch reads or writes; all under one folder when a home is given."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "rocketwatch.sqlite3"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def thumbnails_dir(self) -> Path:
        return self.data_dir / "thumbnails"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "rocketwatch.log"

    def run_dir(self, run_id: int) -> Path:
        return self.runs_dir / str(run_id)

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


def paths_for(home: Path | None) -> Paths:
    """Paths under `home` when given (tests, benchmarks, --demo), else the platform's own folders."""
    if home is not None:
        home = home.expanduser().resolve()
        return Paths(home, home, home / "cache", home / "logs")
    return Paths(
        Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
    )


def home_from_env(cli_home: str | None) -> Path | None:
    """The --home option, else ROCKETWATCH_HOME, else None (platform folders)."""
    value = cli_home or os.environ.get("ROCKETWATCH_HOME") or None
    return Path(value) if value else None
