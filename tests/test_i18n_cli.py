"""Machine output never changes with the language: `--json` is the same on a Korean and a C locale."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def rocketwatch(home: Path, lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("LANGUAGE", "LC_"))}
    env["LANG"] = lang
    command = [sys.executable, "-m", "rocketwatch", "--home", str(home), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)


def normalised(value: Any) -> Any:
    """The JSON with what differs by nature between two runs (clock times, durations) blanked."""
    if isinstance(value, dict):
        return {key: "<duration>" if "duration" in key else normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str) and ISO_TIME.match(value):
        return "<time>"
    return value


@pytest.mark.slow
def test_json_is_the_same_in_korean_and_on_a_c_locale(tmp_path: Path) -> None:
    outputs: dict[str, list[Any]] = {}
    for lang in ("ko_KR.UTF-8", "C"):
        home = tmp_path / lang
        home.mkdir()
        results = [
            rocketwatch(home, lang, "--demo", "run", "--json"),
            rocketwatch(home, lang, "--demo", "history", "--json"),
            rocketwatch(home, lang, "schedule", "--every", "0 6 * * 1-5", "--json"),
        ]
        for result in results:
            assert result.returncode == 0, result.stderr
        outputs[lang] = [normalised(json.loads(result.stdout)) for result in results]
    assert outputs["ko_KR.UTF-8"] == outputs["C"]
    assert outputs["C"][2]["description"] == "At 06:00, Monday through Friday"
    # and the Korean process did speak Korean where a person reads it
    korean = rocketwatch(tmp_path / "ko_KR.UTF-8", "ko_KR.UTF-8", "schedule", "--every", "0 6 * * 1-5")
    assert "06:00, 월요일부터 금요일" in korean.stdout
    english = rocketwatch(tmp_path / "C", "C", "schedule", "--every", "0 6 * * 1-5")
    assert "At 06:00, Monday through Friday" in english.stdout
