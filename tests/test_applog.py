"""The log file: kept under its size cap by moving it aside, with a fixed number of older files."""

from __future__ import annotations

import logging
from pathlib import Path

from rocketwatch.applog import RotatingLogFile


def _logger(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger


def test_a_full_log_moves_aside_and_only_the_newest_older_files_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "rocketwatch.log"
    handler = RotatingLogFile(path, max_bytes=1_000, backups=2)
    logger = _logger(handler, "rocketwatch.test.rotation")
    try:
        for number in range(100):
            logger.info("line %03d %s", number, "x" * 40)  # 49 bytes a line: 20 lines fill a file
    finally:
        handler.close()
        logger.removeHandler(handler)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["rocketwatch.log", "rocketwatch.log.1", "rocketwatch.log.2"]
    assert all(p.stat().st_size <= 1_000 for p in tmp_path.iterdir())
    current = path.read_text(encoding="utf-8").splitlines()
    assert current[-1].startswith("line 099")
    older = (tmp_path / "rocketwatch.log.1").read_text(encoding="utf-8").splitlines()
    oldest = (tmp_path / "rocketwatch.log.2").read_text(encoding="utf-8").splitlines()
    # In order across the files, no line lost between them, the earliest lines dropped.
    numbers = [int(line.split()[1]) for line in oldest + older + current]
    assert numbers == list(range(numbers[0], 100))
    assert numbers[0] > 0


def test_the_log_file_is_made_only_when_something_is_logged(tmp_path: Path) -> None:
    path = tmp_path / "rocketwatch.log"
    handler = RotatingLogFile(path)
    logger = _logger(handler, "rocketwatch.test.delay")
    try:
        assert not path.exists()
        logger.info("started")
        handler.flush()
        assert path.read_text(encoding="utf-8") == "started\n"
    finally:
        handler.close()
        logger.removeHandler(handler)
