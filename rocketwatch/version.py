"""Which RocketWatch this is: its version, from the one place it is written, and where this copy came from.

The version lives in pyproject.toml. A packaged app (the .deb, the Windows installer, the macOS bundle)
carries build_info.json, written by packaging/build.py beside this module; a source checkout reads
pyproject.toml and the commit its .git names (git itself is asked only whether files changed, for the About
box); a package installed from a wheel reads its own metadata.
"""

from __future__ import annotations

import os
import sys
from functools import cache

# Every RocketWatch process imports this module (the package's __version__), `rocketwatch --version` first
# of all: json, tomllib, subprocess, pathlib and importlib.metadata are imported where they are needed, not
# here (together they cost about 35 ms, four times Python's own start). The version line reads pyproject.toml
# and the checkout's HEAD as plain files; git itself runs only for "with local changes" (the About box).

PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
SOURCE_ROOT = os.path.dirname(PACKAGE_DIR)
BUILD_INFO = os.path.join(PACKAGE_DIR, "build_info.json")
DISTRIBUTION = "rocketwatch"


class Origin:
    """Where this copy came from: a release, a package built from some commit, a source checkout, a wheel."""

    __slots__ = ("commit", "kind", "modified")

    def __init__(self, kind: str, commit: str | None = None, modified: bool = False) -> None:
        self.kind = kind  # "release", "build", "source" or "installed"
        self.commit = commit
        self.modified = modified  # a source checkout with changes not yet committed

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Origin):
            return NotImplemented
        return (self.kind, self.commit, self.modified) == (other.kind, other.commit, other.modified)

    def __hash__(self) -> int:
        return hash((self.kind, self.commit, self.modified))

    def __repr__(self) -> str:
        return f"Origin({self.kind!r}, {self.commit!r}, {self.modified!r})"

    def describe(self) -> str:
        # In the reader's language once one was chosen (the About box); `rocketwatch --version` answers before
        # that, in English, without loading the catalog module and logging with it (15 ms of a 12 ms answer).
        i18n = sys.modules.get("rocketwatch.i18n")
        _ = i18n._ if i18n is not None else str
        short = self.commit[:12] if self.commit else None
        if self.kind == "release":
            return _("release, commit {commit}").format(commit=short) if short else _("release")
        if self.kind == "build":
            return _("package built from commit {commit}, not a release").format(commit=short)
        if self.kind == "source":
            if short and self.modified:
                return _("source checkout at commit {commit}, with local changes").format(commit=short)
            if short:
                return _("source checkout at commit {commit}").format(commit=short)
            if self.modified:
                return _("source checkout, commit unknown, with local changes")
            return _("source checkout, commit unknown")
        return _("installed package")


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _build_info() -> dict | None:
    text = _read(BUILD_INFO)
    if text is None:
        return None  # not a packaged app
    import json

    try:
        info = json.loads(text)
    except ValueError:
        return None
    return info if isinstance(info, dict) and isinstance(info.get("version"), str) else None


def _project_table_version(text: str) -> str | None:
    """The version of pyproject.toml's [project] table when it is written the plain way (`name = "..."` and
    `version = "..."` lines); None when it is not, and tomllib reads it instead."""
    table: str | None = None
    fields: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            table = line
            continue
        if table != "[project]" or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if key in ("name", "version") and len(value) >= 2 and value[0] == value[-1] == '"':
            fields[key] = value[1:-1]
    if fields.get("name") != DISTRIBUTION or "\\" in fields.get("version", "\\"):
        return None
    return fields["version"]


def _pyproject_version() -> str | None:
    """The version in the pyproject.toml of the source checkout this module is in, if it is in one."""
    text = _read(os.path.join(SOURCE_ROOT, "pyproject.toml"))
    if text is None:
        return None  # not a source checkout
    plain = _project_table_version(text)
    if plain is not None:
        return plain
    import tomllib

    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        return None
    if isinstance(project, dict) and project.get("name") == DISTRIBUTION:
        version = project.get("version")
        return version if isinstance(version, str) else None
    return None


def read_version() -> str:
    info = _build_info()
    if info is not None and isinstance(info.get("version"), str):
        return str(info["version"])
    found = _pyproject_version()
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


VERSION = read_version()


def _git(*args: str) -> str | None:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "-C", SOURCE_ROOT, *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _is_commit(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _head_from_files(dot_git: str) -> str | None:
    """The checkout's HEAD commit read from its files as git writes them (a linked checkout's `.git` file,
    HEAD, a loose ref or packed-refs): no git process. None when the layout is one this does not read."""
    git_dir = dot_git
    if os.path.isfile(dot_git):
        pointer = _read(dot_git) or ""
        if not pointer.startswith("gitdir:"):
            return None
        git_dir = os.path.join(SOURCE_ROOT, pointer.removeprefix("gitdir:").strip())
    head = (_read(os.path.join(git_dir, "HEAD")) or "").strip()
    if _is_commit(head):
        return head  # a detached HEAD
    if not head.startswith("ref: refs/"):
        return None
    ref = head.removeprefix("ref: ").strip()
    common = (_read(os.path.join(git_dir, "commondir")) or "").strip()
    places = [git_dir] + ([os.path.join(git_dir, common)] if common else [])
    for place in places:
        loose = (_read(os.path.join(place, *ref.split("/"))) or "").strip()
        if _is_commit(loose):
            return loose
    for place in places:
        for line in (_read(os.path.join(place, "packed-refs")) or "").splitlines():
            commit, _, name = line.partition(" ")
            if name.strip() == ref and _is_commit(commit):
                return commit
    return None


@cache
def origin(*, changes: bool = False) -> Origin:
    """Where this copy came from. In a source checkout the commit is read from the checkout's files; with
    changes=True git is asked too whether files differ from that commit (a git process: 10-30 ms, which a
    `--version` should not pay; the About box does)."""
    info = _build_info()
    if info is not None:
        commit = info.get("commit") if isinstance(info.get("commit"), str) else None
        return Origin("release" if info.get("release") is True else "build", commit)
    if _pyproject_version() is None:
        return Origin("installed")
    dot_git = os.path.join(SOURCE_ROOT, ".git")
    if not os.path.exists(dot_git):
        return Origin("source")
    head = _head_from_files(dot_git)
    if head is None:
        found = _git("rev-parse", "HEAD")
        head = found.strip() if found else None
    if not changes:
        return Origin("source", head)
    listed = _git("status", "--porcelain", "--untracked-files=no")
    return Origin("source", head, bool(listed and listed.strip()))


def describe(app_name: str, *, changes: bool = False) -> str:
    """One line for --version and the About box: "RocketWatch 0.1.0 (release, commit 1a2b3c4d5e6f)"; with
    changes=True a source checkout's line also says whether it has local changes."""
    return f"{app_name} {VERSION} ({origin(changes=changes).describe()})"
