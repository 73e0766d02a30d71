"""Which RocketWatch this is: its version, from the one place it is written, and where this copy came from.

The version lives in pyproject.toml. A packaged app (the .deb, the Windows installer, the macOS bundle)
carries build_info.json, written by packaging/build.py beside this module; a source checkout reads
pyproject.toml and asks git for its commit; a package installed from a wheel reads its own metadata.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rocketwatch.i18n import _

# Every RocketWatch process imports this module (the package's __version__), `rocketwatch --version` first
# of all: json, tomllib, subprocess and importlib.metadata are imported where they are needed, not here
# (together they cost about 35 ms, four times Python's own start).

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
BUILD_INFO = PACKAGE_DIR / "build_info.json"
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


def _build_info() -> dict | None:
    try:
        text = BUILD_INFO.read_text(encoding="utf-8")
    except OSError:
        return None  # not a packaged app
    import json

    try:
        info = json.loads(text)
    except ValueError:
        return None
    return info if isinstance(info, dict) and isinstance(info.get("version"), str) else None


def _pyproject_version() -> str | None:
    """The version in the pyproject.toml of the source checkout this module is in, if it is in one."""
    try:
        text = (SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # not a source checkout
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
            ["git", "-C", str(SOURCE_ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


@cache
def origin() -> Origin:
    """Where this copy came from (asks git once in a source checkout)."""
    info = _build_info()
    if info is not None:
        commit = info.get("commit") if isinstance(info.get("commit"), str) else None
        return Origin("release" if info.get("release") is True else "build", commit)
    if _pyproject_version() is not None and (SOURCE_ROOT / ".git").exists():
        head = _git("rev-parse", "HEAD")
        changes = _git("status", "--porcelain", "--untracked-files=no")
        return Origin("source", head.strip() if head else None, bool(changes and changes.strip()))
    if _pyproject_version() is not None:
        return Origin("source")
    return Origin("installed")


def describe(app_name: str) -> str:
    """One line for --version and the About box: "RocketWatch 0.1.0 (release, commit 1a2b3c4d5e6f)"."""
    return f"{app_name} {VERSION} ({origin().describe()})"
