"""Fixtures for the packaging tests: the real desktop of the end-to-end tests (Xvfb, D-Bus, dunst, trayer),
and the .deb, built once per test session for every test that needs it.

The installed app is started by the test itself, from /usr/bin, instead of `python -m rocketwatch`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from e2e.conftest import desktop  # noqa: F401 (a fixture, found by pytest through this module)

from rocketwatch import __version__

REPO = Path(__file__).resolve().parents[2]


def build_linux(repo: Path, *command: str) -> Path:
    """Build the .deb in `repo` with `command` (build.py linux); its path."""
    result = subprocess.run(list(command), cwd=repo, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    [deb] = (repo / "dist").glob(f"rocketwatch_{__version__}_*.deb")
    return deb


@pytest.fixture(scope="session")
def deb() -> Path:
    """$ROCKETWATCH_DEB (a .deb built before), else a fresh build through packaging/build.py."""
    if os.environ.get("ROCKETWATCH_DEB"):
        return Path(os.environ["ROCKETWATCH_DEB"])
    return build_linux(REPO, "uv", "run", "--group", "packaging", "python", "packaging/build.py", "linux")
