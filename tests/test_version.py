"""One version, from pyproject.toml, and `--version` saying where this copy came from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import rocketwatch
from rocketwatch.version import Origin

REPO = Path(__file__).resolve().parents[1]


def pyproject_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def version_line(*, cwd: Path, pythonpath: Path | None = None) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--version"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_package_version_is_pyprojects() -> None:
    assert rocketwatch.__version__ == pyproject_version()
    assert f"RocketWatch/{pyproject_version()} " in rocketwatch.USER_AGENT


NEEDS_GIT = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


@NEEDS_GIT
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs a git checkout")
def test_version_from_a_source_checkout_names_the_commit() -> None:
    head = git(REPO, "rev-parse", "HEAD").strip()
    line = version_line(cwd=REPO)
    assert line == f"RocketWatch {pyproject_version()} (source checkout at commit {head[:12]})"


@NEEDS_GIT
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs a git checkout")
def test_the_about_boxs_origin_also_says_whether_the_checkout_has_local_changes() -> None:
    from rocketwatch.version import origin

    head = git(REPO, "rev-parse", "HEAD").strip()
    dirty = git(REPO, "status", "--porcelain", "--untracked-files=no").strip()
    assert origin(changes=True) == Origin("source", head, modified=bool(dirty))


def commit(cwd: Path, message: str, *options: str) -> None:
    git(
        cwd,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "--quiet",
        "-m",
        message,
        *options,
    )


def source_checkout(tmp_path: Path) -> Path:
    """A checkout of the package and its pyproject.toml, one commit, with git's defaults."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        REPO / "rocketwatch", checkout / "rocketwatch", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    git(checkout, "init", "--quiet", "--initial-branch", "trunk")
    git(checkout, "add", "--all")
    commit(checkout, "one")
    return checkout


@NEEDS_GIT
def test_version_reads_the_commit_however_git_keeps_it(tmp_path: Path) -> None:
    checkout = source_checkout(tmp_path)
    head = git(checkout, "rev-parse", "HEAD").strip()
    expected = f"RocketWatch {pyproject_version()} (source checkout at commit {head[:12]})"
    assert version_line(cwd=tmp_path, pythonpath=checkout) == expected  # a loose ref
    git(checkout, "pack-refs", "--all")
    assert not (checkout / ".git" / "refs" / "heads" / "trunk").exists()
    assert version_line(cwd=tmp_path, pythonpath=checkout) == expected  # packed-refs
    git(checkout, "checkout", "--quiet", "--detach")
    assert version_line(cwd=tmp_path, pythonpath=checkout) == expected  # a detached HEAD
    # A linked checkout, laid out as git lays one out: its .git is a file naming a git folder of its own
    # (HEAD, and commondir pointing back at the main one, where the refs are).
    git(checkout, "branch", "side")
    own = checkout / ".git" / "linked-side"
    own.mkdir()
    (own / "HEAD").write_text("ref: refs/heads/side\n")
    (own / "commondir").write_text("..\n")
    linked = tmp_path / "linked"
    shutil.copytree(
        checkout / "rocketwatch", linked / "rocketwatch", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(checkout / "pyproject.toml", linked / "pyproject.toml")
    (linked / ".git").write_text(f"gitdir: {own}\n")
    assert version_line(cwd=tmp_path, pythonpath=linked) == expected  # a linked checkout (.git is a file)
    commit(checkout, "two", "--allow-empty")
    git(checkout, "update-ref", "refs/heads/side", "HEAD")
    second = git(checkout, "rev-parse", "HEAD").strip()
    assert version_line(cwd=tmp_path, pythonpath=linked) == (
        f"RocketWatch {pyproject_version()} (source checkout at commit {second[:12]})"
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    """The package alone, as an installed wheel or a packaged app has it: no pyproject.toml, no .git."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "rocketwatch", site / "rocketwatch", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_version_of_a_packaged_release_and_of_a_packaged_build(tmp_path: Path) -> None:
    site = copy_of_the_package(tmp_path)
    info = site / "rocketwatch" / "build_info.json"
    commit = "0123456789abcdef0123456789abcdef01234567"
    info.write_text(json.dumps({"version": "7.8.9", "commit": commit, "release": True}))
    assert version_line(cwd=tmp_path, pythonpath=site) == "RocketWatch 7.8.9 (release, commit 0123456789ab)"
    info.write_text(json.dumps({"version": "7.8.9", "commit": commit, "release": False}))
    assert version_line(cwd=tmp_path, pythonpath=site) == (
        "RocketWatch 7.8.9 (package built from commit 0123456789ab, not a release)"
    )


def test_version_of_a_package_installed_without_build_info_reads_its_metadata(tmp_path: Path) -> None:
    site = copy_of_the_package(tmp_path)
    # The project's own environment has rocketwatch's metadata (the version from pyproject.toml).
    line = version_line(cwd=tmp_path, pythonpath=site)
    assert line == f"RocketWatch {pyproject_version()} (installed package)"


@pytest.mark.parametrize(
    ("origin", "words"),
    [
        (Origin("release", "f" * 40), "release, commit ffffffffffff"),
        (Origin("build", "a" * 40), "package built from commit aaaaaaaaaaaa, not a release"),
        (
            Origin("source", "b" * 40, modified=True),
            "source checkout at commit bbbbbbbbbbbb, with local changes",
        ),
        (Origin("source"), "source checkout, commit unknown"),
        (Origin("installed"), "installed package"),
    ],
)
def test_origin_in_words(origin: Origin, words: str) -> None:
    assert origin.describe() == words
