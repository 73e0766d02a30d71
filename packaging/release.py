"""The release steps of `.github/workflows/build.yml`: check a tag against the one version, checksums, notes.

Standard library only (the release job runs it with the runner's own Python):
  python3 packaging/release.py check --ref-type tag --ref-name v0.1.0   # prints version=0.1.0
  python3 packaging/release.py sums dist                                # writes dist/SHA256SUMS
  python3 packaging/release.py notes 0.1.0                              # CHANGELOG.md's section + checks
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHANGELOG = REPO / "CHANGELOG.md"
SUMS_NAME = "SHA256SUMS"
# What a release publishes: the three installers build.py makes (names as it writes them).
INSTALLER_PATTERNS = ("rocketwatch_*.deb", "RocketWatch-*-setup.exe", "RocketWatch-*.dmg")
GITHUB_REPOSITORY = "rocketwatch/rocketwatch"


class ReleaseError(Exception):
    """A release must not go out: the message says why."""


def project_version(repo: Path = REPO) -> str:
    """The one version: `[project] version` in pyproject.toml."""
    with (repo / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    version = project.get("version")
    if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+\.\d+([.-]?(a|b|rc)\d+)?", version):
        raise ReleaseError(f"pyproject.toml's [project] version {version!r} is not a version like 1.2.3")
    return version


def changelog_section(version: str, changelog: Path = CHANGELOG) -> str:
    """The text under `## [version] - YYYY-MM-DD` in CHANGELOG.md, up to the next `## ` heading."""
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    heading = re.compile(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}[ \t]*$", re.MULTILINE)
    found = heading.search(text)
    if found is None:
        raise ReleaseError(
            f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD': move the entries "
            "under [Unreleased] into one before tagging"
        )
    following = re.search(r"^## ", text[found.end() :], re.MULTILINE)
    body = text[found.end() : found.end() + following.start() if following else len(text)]
    body = re.sub(r"^\[[^\]]+\]: \S+\s*$", "", body, flags=re.MULTILINE).strip()  # link references
    if not body:
        raise ReleaseError(f"CHANGELOG.md's section for {version} is empty")
    return body


def check(ref_type: str, ref_name: str, repo: Path = REPO) -> str:
    """The version to build; a tag that does not name it, or a version without notes, fails the release."""
    version = project_version(repo)
    if ref_type == "tag":
        if ref_name != f"v{version}":
            raise ReleaseError(
                f"the tag {ref_name} does not match the version in pyproject.toml "
                f"({version}): tag v{version}, or change the version first"
            )
        changelog_section(version, repo / "CHANGELOG.md")
    return version


def installers(folder: Path) -> list[Path]:
    found = {path for pattern in INSTALLER_PATTERNS for path in folder.glob(pattern) if path.is_file()}
    if not found:
        raise ReleaseError(f"no installers in {folder} ({', '.join(INSTALLER_PATTERNS)})")
    return sorted(found)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sums(folder: Path) -> Path:
    """folder/SHA256SUMS in the format `sha256sum --check` and `shasum -a 256 --check` read."""
    lines = [f"{sha256(path)}  {path.name}\n" for path in installers(folder)]
    target = folder / SUMS_NAME
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def notes(version: str, changelog: Path = CHANGELOG) -> str:
    """The release notes: the changelog's section, then how to check a download."""
    return (
        f"{changelog_section(version, changelog)}\n\n"
        "### Check your download\n\n"
        "Each file below is listed in `SHA256SUMS` and has a build provenance attestation signed by\n"
        "this repository's release workflow. In the folder you downloaded to:\n\n"
        "```sh\n"
        f"sha256sum --check --ignore-missing {SUMS_NAME}   # Linux\n"
        f"shasum -a 256 --check --ignore-missing {SUMS_NAME}   # macOS\n"
        f"gh attestation verify FILE --repo {GITHUB_REPOSITORY}\n"
        "```\n\n"
        'The README\'s section "Check a download" says more, also for Windows.\n'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/release.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="the version to build; a tag that does not match fails")
    check_parser.add_argument("--ref-type", default="branch", help="github.ref_type: tag or branch")
    check_parser.add_argument("--ref-name", default="", help="github.ref_name, such as v0.1.0")
    sums_parser = commands.add_parser("sums", help=f"write {SUMS_NAME} for the installers in a folder")
    sums_parser.add_argument("folder", type=Path)
    notes_parser = commands.add_parser("notes", help="the release notes of a version, from CHANGELOG.md")
    notes_parser.add_argument("version")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            print(f"version={check(args.ref_type, args.ref_name)}")
        elif args.command == "sums":
            print(write_sums(args.folder).read_text(encoding="utf-8"), end="")
        else:
            print(notes(args.version), end="")
    except ReleaseError as error:
        print(f"packaging/release.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
