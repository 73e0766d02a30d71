"""The release steps: a tag must match the one version, SHA256SUMS a user can check with the README's
commands, notes from CHANGELOG.md, and the names the workflow publishes agreeing with what build.py makes.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "build.yml"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", REPO / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = load("release")
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def release_py(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "packaging/release.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_tag_that_does_not_match_the_version_fails_the_release() -> None:
    wrong = release_py("check", "--ref-type", "tag", "--ref-name", "v99.0.0")
    assert wrong.returncode == 1
    assert f"the tag v99.0.0 does not match the version in pyproject.toml ({VERSION})" in wrong.stderr
    right = release_py("check", "--ref-type", "tag", "--ref-name", f"v{VERSION}")
    assert right.returncode == 0, right.stderr
    assert right.stdout == f"version={VERSION}\n"
    branch = release_py("check", "--ref-type", "branch", "--ref-name", "main")
    assert branch.returncode == 0 and branch.stdout == f"version={VERSION}\n"


def test_a_tag_without_changelog_notes_fails_the_release(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "rocketwatch"\nversion = "2.0.0"\n')
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- Something new\n\n## [1.0.0] - 2026-01-02\n\n- First\n"
    )
    with pytest.raises(release.ReleaseError, match=r"no section '## \[2.0.0\] - YYYY-MM-DD'"):
        release.check("tag", "v2.0.0", tmp_path)
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [2.0.0] - 2026-03-04\n\n### Added\n\n- Two\n\n"
        "## [1.0.0] - 2026-01-02\n\n- First\n\n"
        "[2.0.0]: https://example.org/v2.0.0\n"
    )
    assert release.check("tag", "v2.0.0", tmp_path) == "2.0.0"
    assert release.changelog_section("2.0.0", tmp_path / "CHANGELOG.md") == "### Added\n\n- Two"


def test_this_versions_release_notes_come_from_the_changelog() -> None:
    notes = release_py("notes", VERSION)
    assert notes.returncode == 0, notes.stderr
    section = release.changelog_section(VERSION)
    assert notes.stdout.startswith(section)
    assert "### Added" in section
    assert "sha256sum --check --ignore-missing SHA256SUMS" in notes.stdout
    assert "gh attestation verify" in notes.stdout


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_sha256sums_check_with_the_readme_command_and_catch_a_changed_byte(tmp_path: Path) -> None:
    names = [
        f"rocketwatch_{VERSION}_amd64.deb",
        f"RocketWatch-{VERSION}-setup.exe",
        f"RocketWatch-{VERSION}.dmg",
    ]
    for index, name in enumerate(names):
        (tmp_path / name).write_bytes(bytes([index]) * (1000 + index))
    (tmp_path / "notes.txt").write_text("not an installer")
    written = release_py("sums", str(tmp_path))
    assert written.returncode == 0, written.stderr
    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == sorted(names)
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in lines)

    # The README's command, in a folder holding only the file the user downloaded.
    user = tmp_path / "Downloads"
    user.mkdir()
    shutil.copy(tmp_path / "SHA256SUMS", user)
    shutil.copy(tmp_path / names[0], user)
    check = subprocess.run(
        ["sha256sum", "--check", "--ignore-missing", "SHA256SUMS"],
        cwd=user,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0 and check.stdout == f"{names[0]}: OK\n"
    data = bytearray((user / names[0]).read_bytes())
    data[500] ^= 1
    (user / names[0]).write_bytes(bytes(data))
    check = subprocess.run(
        ["sha256sum", "--check", "--ignore-missing", "SHA256SUMS"],
        cwd=user,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode != 0 and f"{names[0]}: FAILED" in check.stdout


def test_sums_without_installers_fail(tmp_path: Path) -> None:
    result = release_py("sums", str(tmp_path))
    assert result.returncode == 1 and "no installers" in result.stderr


def workflow_globs(key: str) -> list[str]:
    """The file patterns after `key:` in the workflow (upload paths, attestation subjects)."""
    text = WORKFLOW.read_text(encoding="utf-8")
    globs = re.findall(rf"^\s+{key}: (\S+)$", text, re.MULTILINE)
    block = re.search(rf"^(\s+){key}: \|\n((?:\1  .+\n)+)", text, re.MULTILINE)
    if block:
        globs += [line.strip() for line in block.group(2).splitlines()]
    return globs


def test_the_workflow_publishes_what_build_py_makes_under_the_names_release_py_sums() -> None:
    uploads = workflow_globs("path")
    installers = [
        f"dist/rocketwatch_{VERSION}_amd64.deb",
        f"dist/RocketWatch-{VERSION}-setup.exe",
        f"dist/RocketWatch-{VERSION}.dmg",
    ]
    for installer in installers:
        name = Path(installer).name
        assert [glob for glob in uploads if fnmatch.fnmatch(installer, glob)], installer
        assert [glob for glob in release.INSTALLER_PATTERNS if fnmatch.fnmatch(name, glob)], name
        subjects = workflow_globs("subject-path")
        assert [glob for glob in subjects if fnmatch.fnmatch(f"release/{name}", glob)], name
    assert "release/SHA256SUMS" in workflow_globs("subject-path")


def test_every_action_is_pinned_to_a_commit_with_its_version_and_no_checkout_keeps_the_token() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)(.*)$", text, re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v\d+(\.\d+)*", comment), f"{action}: the version beside it"
    checkouts = text.count("uses: actions/checkout@")
    assert text.count("persist-credentials: false") == checkouts
    assert "enable-cache: false" in text and "cache:" not in text.replace("enable-cache: false", "")
    assert re.search(r"^permissions: \{\}$", text, re.MULTILINE)


def test_the_appstream_release_and_the_changelog_agree_on_the_date() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    date = re.search(rf"^## \[{re.escape(VERSION)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", changelog, re.MULTILINE)
    assert date, f"CHANGELOG.md has no dated section for {VERSION}"
    metainfo = (REPO / "resources" / "org.rocketwatch.RocketWatch.metainfo.xml").read_text(encoding="utf-8")
    assert f'<release version="{VERSION}" date="{date.group(1)}">' in metainfo
