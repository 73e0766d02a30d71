"""The .deb is reproducible: built again from the same commit, in another folder, it is byte-identical.

Reuses the session's first build (test_deb.py's) and builds once more from a clone of HEAD at another path,
so a build path, a build time or an unsorted archive inside would show. Runs where test_deb.py runs
(ROCKETWATCH_TEST_PACKAGE=1); about as long as one build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rocketwatch import __version__

REPO = Path(__file__).resolve().parents[2]


def _skip_reason() -> str | None:
    if os.environ.get("ROCKETWATCH_TEST_PACKAGE") != "1":
        return "builds the .deb twice: set ROCKETWATCH_TEST_PACKAGE=1 to run it"
    if os.environ.get("ROCKETWATCH_DEB"):
        return "compares two fresh builds; ROCKETWATCH_DEB names one built before"
    missing = [tool for tool in ("dpkg-deb", "git", "uv") if shutil.which(tool) is None]
    if missing:
        return f"missing {', '.join(missing)}"
    changes = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    if changes.returncode != 0:
        return "not a git checkout"
    if changes.stdout.strip():
        return "uncommitted changes: the build of this tree and of its commit would differ by them"
    return None


SKIP_REASON = _skip_reason()
pytestmark = [pytest.mark.packaging, pytest.mark.skipif(SKIP_REASON is not None, reason=str(SKIP_REASON))]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(deb: Path, folder: Path) -> dict[str, str]:
    """Every member of the package (data and control) with its digest, to name what differs."""
    subprocess.run(["dpkg-deb", "-R", str(deb), str(folder)], check=True)
    return {
        str(path.relative_to(folder)): digest(path) if path.is_file() and not path.is_symlink() else ""
        for path in sorted(folder.rglob("*"))
    }


def test_deb_built_twice_from_one_commit_is_byte_identical(deb: Path, tmp_path: Path) -> None:
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    clone = tmp_path / "elsewhere" / "rocketwatch-source"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", head], check=True)
    # The session's environment (PyInstaller came with the first build), the clone's sources and folders.
    built = subprocess.run(
        [sys.executable, "packaging/build.py", "linux"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    [again] = (clone / "dist").glob(f"rocketwatch_{__version__}_*.deb")

    if digest(again) != digest(deb):
        first, second = contents(deb, tmp_path / "first"), contents(again, tmp_path / "second")
        names = first.keys() | second.keys()
        differing = sorted(name for name in names if first.get(name) != second.get(name))
        pytest.fail(
            f"two builds of {head[:12]} differ in {len(differing)} files: {differing[:20]} "
            "(or only in dates and order, if none are listed)"
        )
    assert again.stat().st_size > 10_000_000
