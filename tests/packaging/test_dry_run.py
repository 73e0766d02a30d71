"""The Windows and macOS branches of packaging/build.py, run here in --dry-run mode: every command they would
run and every file they would write, checked against the spec, the Inno Setup script and the workflow.

What Python itself makes on those systems (the .ico, the .iconset, the build info) is really written and
checked; the tools only those systems have (PyInstaller there, ISCC, iconutil, ditto, hdiutil) are listed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SPEC = (REPO / "packaging" / "rocketwatch.spec").read_text(encoding="utf-8")
ISS_PATH = REPO / "packaging" / "windows" / "rocketwatch.iss"
ISS = ISS_PATH.read_text(encoding="utf-8")
WORKFLOW = (REPO / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

# Runs build.py's main() with build/ and dist/ in a temporary folder and prints the plan as JSON.
DRIVER = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import build
out = Path(sys.argv[3])
build.BUILD, build.DIST = out / "build", out / "dist"
build.ICONS, build.BUNDLE = build.BUILD / "icons", build.DIST / "rocketwatch"
code = build.main([sys.argv[2], "--dry-run"])
plan = build.DRY_RUN
print("PLAN" + json.dumps({"code": code, "commands": plan.commands, "files": [str(f) for f in plan.files]}))
"""


def dry_run(target: str, out: Path) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(REPO / "packaging"), target, str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    plan = json.loads(result.stdout.rsplit("PLAN", 1)[1])
    assert plan["code"] == 0
    return plan


def check_pyinstaller(command: list[str], out: Path) -> None:
    assert command[:3] == [sys.executable, "-m", "PyInstaller"]
    assert command[command.index("--distpath") + 1] == str(out / "dist")
    assert command[command.index("--workpath") + 1].startswith(str(out / "build"))
    assert command[-1] == str(REPO / "packaging" / "rocketwatch.spec") and Path(command[-1]).is_file()


def check_build_info(out: Path) -> None:
    info = json.loads((out / "build" / "build_info.json").read_text())
    assert info["version"] == VERSION and isinstance(info["release"], bool)
    # the spec packs it beside rocketwatch/version.py, which reads it there
    assert 'BUILD_INFO = REPO / "build" / "build_info.json"' in SPEC
    assert 'datas.append((str(BUILD_INFO), "rocketwatch"))' in SPEC


def test_windows_branch_dry_run(tmp_path: Path) -> None:
    plan = dry_run("windows", tmp_path)
    dist, icons = tmp_path / "dist", tmp_path / "build" / "icons"
    pyinstaller, iscc = plan["commands"]
    check_pyinstaller(pyinstaller, tmp_path)
    check_build_info(tmp_path)

    # The icon: a real .ico with every size the installer and the tray use, where the spec looks for it.
    ico = icons / "rocketwatch.ico"
    with Image.open(ico) as image:
        assert image.format == "ICO"
        assert {size for size, _ in image.info["sizes"]} == {16, 24, 32, 48, 64, 128, 256}
    assert 'GENERATED_ICONS = REPO / "build" / "icons"' in SPEC and '"rocketwatch.ico"' in SPEC

    # ISCC gets the version, the PyInstaller folder, dist/ and the icon, and the script names each of them.
    assert iscc[0].endswith("ISCC.exe")
    defines = dict(arg[2:].split("=", 1) for arg in iscc[1:-1])
    assert defines == {
        "AppVersion": VERSION,
        "SourceDir": str(dist / "rocketwatch"),
        "OutputDir": str(dist),
        "IconFile": str(ico),
    }
    assert iscc[-1] == str(ISS_PATH)
    for name in defines:
        assert f"#ifndef {name}" in ISS and "{#" + name + "}" in ISS, name
    # The PyInstaller folder is the spec's COLLECT name; the executables the script starts are the spec's.
    assert re.search(r'COLLECT\(.*name="rocketwatch"\)', SPEC)
    assert 'name="RocketWatch" if WINDOWS' in SPEC and 'name="rocketwatch-cli"' in SPEC
    for exe in ("RocketWatch.exe", "rocketwatch-cli.exe"):
        assert "{app}\\" + exe in ISS, exe
    assert "dist\\rocketwatch\\rocketwatch-cli.exe --version" in WORKFLOW

    # The installer's name: Inno Setup's OutputBaseFilename, build.py's output, the workflow's upload.
    base = re.search(r"^OutputBaseFilename=(.+)$", ISS, re.MULTILINE).group(1)
    base = base.replace("{#AppVersion}", VERSION)
    setup = dist / f"{base}.exe"
    assert setup.name == f"RocketWatch-{VERSION}-setup.exe"
    assert plan["files"] == [
        str(ico),
        str(tmp_path / "build" / "build_info.json"),
        str(dist / "rocketwatch"),
        str(setup),
    ]
    assert "path: dist/RocketWatch-*-setup.exe" in WORKFLOW


ICONSET = {
    f"icon_{size}x{size}{suffix}.png": size * scale
    for size in (16, 32, 128, 256, 512)
    for suffix, scale in (("", 1), ("@2x", 2))
}


def test_macos_branch_dry_run(tmp_path: Path) -> None:
    plan = dry_run("macos", tmp_path)
    dist, icons = tmp_path / "dist", tmp_path / "build" / "icons"
    iconutil, pyinstaller, ditto, hdiutil = plan["commands"]

    # The iconset: exactly the names iconutil requires, each PNG of its size.
    iconset = icons / "rocketwatch.iconset"
    assert {path.name for path in iconset.iterdir()} == set(ICONSET)
    for name, pixels in ICONSET.items():
        with Image.open(iconset / name) as image:
            assert image.format == "PNG" and image.size == (pixels, pixels), name
            assert image.getextrema()[3][1] == 255, f"{name} is blank"  # the rocket is drawn
    assert iconutil == [
        "iconutil",
        "--convert",
        "icns",
        "--output",
        str(icons / "rocketwatch.icns"),
        str(iconset),
    ]
    assert '"rocketwatch.icns"' in SPEC

    check_pyinstaller(pyinstaller, tmp_path)
    check_build_info(tmp_path)

    # The .app is the spec's BUNDLE; the disk image holds it beside a link to /Applications.
    app = dist / "RocketWatch.app"
    assert 'name="RocketWatch.app"' in SPEC and 'bundle_identifier="org.rocketwatch.RocketWatch"' in SPEC
    assert '"CFBundleShortVersionString": VERSION' in SPEC
    assert ditto[:2] == ["ditto", str(app)]
    staging = Path(ditto[2]).parent
    assert Path(ditto[2]).name == "RocketWatch.app"
    dmg = dist / f"RocketWatch-{VERSION}.dmg"
    assert hdiutil == [
        "hdiutil",
        "create",
        "-volname",
        "RocketWatch",
        "-srcfolder",
        str(staging),
        "-fs",
        "HFS+",
        "-format",
        "UDZO",
        "-ov",
        str(dmg),
    ]
    assert str(staging / "Applications") in plan["files"]
    assert plan["files"][-1] == str(dmg) and str(app) in plan["files"]
    assert "path: dist/RocketWatch-*.dmg" in WORKFLOW
    # The workflow runs the app's executable: the spec's EXE name outside Windows.
    assert "dist/RocketWatch.app/Contents/MacOS/rocketwatch --version" in WORKFLOW
    assert 'name="RocketWatch" if WINDOWS else "rocketwatch"' in SPEC


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the refusal is checked from Linux")
def test_without_dry_run_a_target_refuses_another_system() -> None:
    result = subprocess.run(
        [sys.executable, "packaging/build.py", "macos"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "the macOS installer is built on macOS, not on Linux" in result.stderr


def test_build_info_says_release_only_for_a_clean_checkout_of_the_versions_tag(
    tmp_path: Path, monkeypatch
) -> None:
    spec = importlib.util.spec_from_file_location("packaging_build", REPO / "packaging" / "build.py")
    build = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    monkeypatch.setitem(sys.modules, "packaging_build", build)  # its dataclass looks itself up there
    spec.loader.exec_module(build)  # it puts packaging/ on sys.path to import release.py: undo that
    sys.path[:] = path
    sys.modules.pop("release", None)
    source = tmp_path / "source"
    source.mkdir()
    (source / "pyproject.toml").write_text('[project]\nname = "rocketwatch"\nversion = "3.2.1"\n')
    for variable in ("GITHUB_REF_TYPE", "GITHUB_REF_NAME"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in (
        ("GIT_AUTHOR_NAME", "t"),
        ("GIT_AUTHOR_EMAIL", "t@example.org"),
        ("GIT_COMMITTER_NAME", "t"),
        ("GIT_COMMITTER_EMAIL", "t@example.org"),
    ):
        monkeypatch.setenv(variable, value)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(source), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    git("init", "--quiet")
    git("add", "pyproject.toml")
    git("commit", "--quiet", "-m", "first")
    monkeypatch.setattr(build, "REPO", source)
    monkeypatch.setattr(build, "BUILD", tmp_path / "build")

    def info() -> dict:
        return json.loads(build.write_build_info().read_text())

    assert info() == {"version": "3.2.1", "commit": git("rev-parse", "HEAD"), "release": False}
    git("tag", "v3.2.0")  # another version's tag
    assert info()["release"] is False
    git("tag", "v3.2.1")
    assert info()["release"] is True
    (source / "pyproject.toml").write_text('[project]\nname = "rocketwatch"\nversion = "3.2.1"\n# changed\n')
    assert info()["release"] is False, "a checkout with changes is not the release"
    # In the workflow, the pushed tag says so too.
    git("checkout", "--quiet", "pyproject.toml")
    git("tag", "--delete", "v3.2.1")
    monkeypatch.setenv("GITHUB_REF_TYPE", "tag")
    monkeypatch.setenv("GITHUB_REF_NAME", "v3.2.1")
    assert info()["release"] is True
