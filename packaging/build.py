"""Builds RocketWatch's installers: `uv run --group packaging python packaging/build.py linux|windows|macos`.

Each target builds the PyInstaller folder (packaging/rocketwatch.spec) and then, on its own OS only, the .deb,
the Inno Setup installer, or the .app and .dmg. Everything goes to build/ and dist/ in the repository.
`--dry-run` goes through a target on any system: it writes what Python itself makes (icons, build info) and
lists every command and output file instead of running the tools, so a wrong path shows before release day.
The version is pyproject.toml's; the .deb is reproducible (SOURCE_DATE_EPOCH: the commit's time).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from release import ReleaseError, project_version

REPO = Path(__file__).resolve().parents[1]
PACKAGING = REPO / "packaging"
RESOURCES = REPO / "resources"
BUILD = REPO / "build"
DIST = REPO / "dist"
ICONS = BUILD / "icons"  # the .ico/.icns the spec reads
BUNDLE = DIST / "rocketwatch"  # the PyInstaller folder

TARGET_OS = {"linux": "linux", "windows": "win32", "macos": "darwin"}
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
INSTALL_DIR = "/opt/rocketwatch"

# What the bundle links to from the system (checked against the built bundle by check_depends), plus tzdata,
# which zoneinfo reads. "a | b": Ubuntu 24.04 renamed some libraries for 64-bit time_t.
DEPENDS = (
    "libstdc++6",
    "libgcc-s1",
    "zlib1g",
    "libglib2.0-0t64 | libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libwayland-client0",
    "libwayland-cursor0",
    "libgssapi-krb5-2",
    "libbrotli1",
    "libzstd1",
    "libssl3t64 | libssl3",
    "libsqlite3-0",
    "libffi8",
    "libbz2-1.0",
    "liblzma5",
    "libuuid1",
    "tzdata",
)
RECOMMENDS = (
    "libnotify-bin",  # notify-send: RocketWatch's desktop notifications on Linux
    "fonts-nanum | fonts-noto-cjk",  # Hangul glyphs for the Korean translation (and Korean launch names)
)

# ICU data Qt never reads for this app: Qt breaks text, names locales and formats numbers with its own data.
# Kept: collation, time zones, core locale data, normalization. Also dropped: every legacy converter (.cnv).
ICU_UNUSED_TREES = ("brkitr", "curr", "lang", "rbnf", "region", "translit", "unit")


class BuildError(Exception):
    """A build step failed in a way the user can act on."""


@dataclass
class Plan:
    """What a dry run would have done: the commands in order, and every file the build writes."""

    commands: list[list[str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


DRY_RUN: Plan | None = None  # set by --dry-run: commands are listed instead of run


def wrote(path: Path) -> Path:
    """Note a file the build writes (or, in a dry run, a command would write)."""
    if DRY_RUN is not None:
        DRY_RUN.files.append(path)
        print(f"  writes {path}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/build.py", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGET_OS), help="which installer to build")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="on any system: list every command and file instead of running the tools",
    )
    args = parser.parse_args(argv)
    global DRY_RUN
    DRY_RUN = Plan() if args.dry_run else None
    if DRY_RUN is None and not sys.platform.startswith(TARGET_OS[args.target]):
        names = {"linux": "Linux", "windows": "Windows", "macos": "macOS"}
        here = {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, "Linux")
        print(
            f"packaging/build.py: the {names[args.target]} installer is built on {names[args.target]}, "
            f"not on {here}.\nThe CI workflow .github/workflows/build.yml builds all three on their own "
            "runners.",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    try:
        if args.target == "linux":
            outputs = build_linux()
        elif args.target == "windows":
            outputs = build_windows()
        else:
            outputs = build_macos()
    except (BuildError, ReleaseError) as error:
        print(f"packaging/build.py: {error}", file=sys.stderr)
        return 1
    if DRY_RUN is not None:
        print(f"\nDry run: {len(DRY_RUN.commands)} commands, {len(DRY_RUN.files)} files; the installers:")
        for path in outputs:
            print(f"  {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        return 0
    print(f"\nBuilt in {time.monotonic() - started:.0f} s:")
    for path in outputs:
        print(f"  {path.relative_to(REPO)}  {describe_size(path)}")
    return 0


def version() -> str:
    """pyproject.toml's version: the one every installer, --version and the About box show."""
    return project_version(REPO)


def git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def source_date_epoch() -> int:
    """$SOURCE_DATE_EPOCH, else the commit's time: every date inside the .deb (so two builds are equal)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    committed = git("log", "-1", "--format=%ct")
    return int(committed) if committed and committed.isdigit() else 0


def write_build_info() -> Path:
    """build/build_info.json, packaged beside rocketwatch/version.py: the version, where the build came from.

    A release is a build of a clean checkout of the tag vVERSION (in CI: the tag pushed).
    """
    number, commit = version(), git("rev-parse", "HEAD")
    tagged = f"v{number}" in (git("tag", "--points-at", "HEAD") or "").split() or (
        os.environ.get("GITHUB_REF_TYPE") == "tag" and os.environ.get("GITHUB_REF_NAME") == f"v{number}"
    )
    clean = git("status", "--porcelain", "--untracked-files=no") == ""
    info = {"version": number, "commit": commit, "release": bool(tagged and clean and commit)}
    target = BUILD / "build_info.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return wrote(target)


def run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess:
    print("+", " ".join(str(part) for part in command), flush=True)
    if DRY_RUN is not None:
        DRY_RUN.commands.append([str(part) for part in command])
        return subprocess.CompletedProcess([str(part) for part in command], 0)
    try:
        return subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as error:
        raise BuildError(f"{command[0]} is not installed") from error
    except subprocess.CalledProcessError as error:
        raise BuildError(f"{Path(str(command[0])).name} failed with exit code {error.returncode}") from error


def build_bundle() -> Path:
    """The PyInstaller one-folder build: dist/rocketwatch (and dist/RocketWatch.app on macOS)."""
    if DRY_RUN is None:
        try:
            import PyInstaller  # noqa: F401
        except ImportError as error:
            raise BuildError(
                "PyInstaller is missing: run this through "
                "`uv run --group packaging python packaging/build.py ...`"
            ) from error
    write_build_info()
    # The same bytes from the same commit: no random hash seed, dates from the commit (PyInstaller reads it).
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=str(source_date_epoch()))
    run(
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        DIST,
        "--workpath",
        BUILD / "pyinstaller",
        PACKAGING / "rocketwatch.spec",
        env=env,
    )
    return wrote(BUNDLE)


# --- sizes ------------------------------------------------------------------------------------------------


def disk_usage(path: Path) -> int:
    """Bytes on disk, as `du` counts them (allocated blocks, symlinks not followed)."""
    if not path.is_dir():
        return path.stat().st_size
    total = 0
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            stat = (Path(root) / name).lstat()
            total += stat.st_blocks * 512 if hasattr(stat, "st_blocks") else stat.st_size
    return total


def describe_size(path: Path) -> str:
    kind = "installed (du)" if path.is_dir() else "file"
    return f"{disk_usage(path) / 2**20:.1f} MiB {kind}"


# --- Linux: ELF reading, ICU data trimming, Depends check, .deb ---------------------------------------------


class Elf:
    """Just enough of a 64-bit little-endian ELF file: dynamic section, version needs, dynamic symbols."""

    def __init__(self, path: Path) -> None:
        self.data = data = path.read_bytes()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError(f"{path} is not a 64-bit little-endian ELF file")
        phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
        self.loads: list[tuple[int, int, int]] = []
        self.dynamic: dict[int, list[int]] = {}
        for index in range(phnum):
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
                "<IIQQQQ", data, phoff + index * phentsize
            )
            if p_type == 1:  # PT_LOAD
                self.loads.append((p_vaddr, p_offset, p_filesz))
            elif p_type == 2:  # PT_DYNAMIC
                for at in range(p_offset, p_offset + p_filesz, 16):
                    tag, value = struct.unpack_from("<qQ", data, at)
                    if tag == 0:
                        break
                    self.dynamic.setdefault(tag, []).append(value)
        self.sections = [
            struct.unpack_from("<IIQQQQII", data, shoff + index * shentsize) for index in range(shnum)
        ]

    def offset(self, address: int) -> int:
        for vaddr, offset, size in self.loads:
            if vaddr <= address < vaddr + size:
                return address - vaddr + offset
        raise ValueError(f"address {address:#x} is outside the file")

    def string(self, table_offset: int, index: int) -> str:
        start = table_offset + index
        return self.data[start : self.data.index(b"\0", start)].decode()

    @property
    def _strtab(self) -> int:
        return self.offset(self.dynamic[5][0])  # DT_STRTAB

    def needed(self) -> list[str]:
        return [self.string(self._strtab, value) for value in self.dynamic.get(1, [])]  # DT_NEEDED

    def soname(self) -> str | None:
        values = self.dynamic.get(14)  # DT_SONAME
        return self.string(self._strtab, values[0]) if values else None

    def version_needs(self) -> Iterator[tuple[str, str]]:
        """(library, version) pairs, such as ("libc.so.6", "GLIBC_2.34")."""
        if 0x6FFFFFFE not in self.dynamic:  # DT_VERNEED
            return
        at = self.offset(self.dynamic[0x6FFFFFFE][0])
        for _ in range(self.dynamic[0x6FFFFFFF][0]):  # DT_VERNEEDNUM
            _version, count, file_name, aux, next_entry = struct.unpack_from("<HHIII", self.data, at)
            library = self.string(self._strtab, file_name)
            aux_at = at + aux
            for _ in range(count):
                _hash, _flags, _other, name, next_aux = struct.unpack_from("<IHHII", self.data, aux_at)
                yield library, self.string(self._strtab, name)
                aux_at += next_aux
            at += next_entry

    def symbol(self, pattern: str) -> tuple[str, int, int] | None:
        """The first dynamic symbol whose name matches: (name, file offset, size)."""
        for _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, _info in self.sections:
            if sh_type != 11:  # SHT_DYNSYM
                continue
            strings = self.sections[sh_link][4]
            for at in range(sh_offset, sh_offset + sh_size, 24):
                st_name, _, _, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", self.data, at)
                name = self.string(strings, st_name)
                if st_shndx and re.fullmatch(pattern, name):
                    return name, self.offset(st_value), st_size
        return None


def elf_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    yield path


def trimmed_icu_package(package: bytes) -> bytes:
    """An ICU common data package (.dat) without the items RocketWatch's Qt never reads."""
    header_size = struct.unpack_from("<H", package)[0]
    count = struct.unpack_from("<I", package, header_size)[0]
    entries = [struct.unpack_from("<II", package, header_size + 4 + 8 * index) for index in range(count)]
    items = []
    for index, (name_offset, data_offset) in enumerate(entries):
        start = header_size + name_offset
        name = package[start : package.index(b"\0", start)].decode()
        end = header_size + entries[index + 1][1] if index + 1 < count else len(package)
        tree = name.split("/")[1] if name.count("/") > 1 else ""
        if tree not in ICU_UNUSED_TREES and not name.endswith(".cnv"):
            items.append((name, package[header_size + data_offset : end]))
    names = b"".join(name.encode() + b"\0" for name, _data in items)
    names_at = 4 + 8 * len(items)
    data_at = (names_at + len(names) + 15) // 16 * 16
    toc, blobs, name_at = [struct.pack("<I", len(items))], [], names_at
    for name, data in items:
        toc.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        blobs.append(padded)
        data_at += len(padded)
    table = b"".join(toc) + names
    table += b"\0" * (-(header_size + len(table)) % 16)
    return package[:header_size] + table + b"".join(blobs)


def trim_icu_data(bundle: Path) -> None:
    """Replace the bundled libicudata (32 MB) by one holding only the data Qt uses here (about 12 MB).

    Needs a C compiler to link the new library; without one the full library stays.
    """
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    for library in [path for path in elf_files(bundle) if path.name.startswith("libicudata.so")]:
        if compiler is None:
            print(f"No C compiler: keeping the full ICU data in {library.name} (about 20 MB larger)")
            return
        elf = Elf(library)
        found, soname = elf.symbol(r"icudt\d+_dat"), elf.soname()
        if found is None or soname is None:
            raise BuildError(f"{library} holds no ICU data symbol")
        symbol, offset, size = found
        package = trimmed_icu_package(elf.data[offset : offset + size])
        work = BUILD / "icu"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        (work / "icudata.dat").write_bytes(package)
        (work / "icudata.S").write_text(
            f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, STT_OBJECT\n\t.balign 16\n{symbol}:\n"
            f'\t.incbin "icudata.dat"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",%progbits\n',
            encoding="ascii",
        )
        run(compiler, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", soname, "icudata.S", cwd=work)
        rebuilt = Elf(work / soname).symbol(re.escape(symbol))
        if rebuilt is None or rebuilt[2] != len(package):
            raise BuildError(f"the rebuilt {soname} does not hold the trimmed ICU data")
        shutil.copyfile(work / soname, library)
        print(f"ICU data: {size / 1e6:.1f} MB -> {len(package) / 1e6:.1f} MB")


def library_paths(bundle: Path, elf: Path) -> dict[str, str]:
    """Where the dynamic loader finds each library an ELF file needs (directly or not): name -> path."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(bundle / "_internal"))
    result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env, check=False)
    paths = {}
    for line in result.stdout.splitlines():
        name, arrow, rest = line.strip().partition(" => ")
        if arrow:
            paths[name] = rest.rsplit(" (", 1)[0].strip()
    return paths


def package_owning(path: str) -> str | None:
    real = os.path.realpath(path)
    # Merged /usr: dpkg may know a library as /lib/... while the loader finds it as /usr/lib/...
    unmerged = [name.removeprefix("/usr") for name in (path, real) if name.startswith("/usr/")]
    candidates = dict.fromkeys([path, real, *unmerged])
    for candidate in candidates:
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def check_depends(bundle: Path) -> str:
    """Check that DEPENDS names the package of each system library the bundle links to; return the libc6 need.

    Fails when a library is missing on this machine (the bundle would not start) or its package is not listed.
    """
    internal = {path.name for path in bundle.rglob("*")}
    direct: dict[str, set[str]] = {}
    resolved: dict[str, str] = {}
    glibc = (2, 17)
    missing = []
    for path in elf_files(bundle):
        elf = Elf(path)
        for name in elf.needed():
            if name not in internal:
                direct.setdefault(name, set()).add(path.name)
        for _library, need in elf.version_needs():
            found = re.fullmatch(r"GLIBC_(\d+)\.(\d+)", need)
            if found:
                glibc = max(glibc, (int(found.group(1)), int(found.group(2))))
        paths = library_paths(bundle, path)
        missing += [
            f"{name} (needed by {path.name})" for name, where in paths.items() if where == "not found"
        ]
        resolved.update(paths)
    if missing:
        raise BuildError("libraries missing on this machine, install them first:\n  " + "\n  ".join(missing))
    allowed = {name.strip() for entry in DEPENDS for name in entry.split("|")} | {"libc6"}
    unlisted = []
    if shutil.which("dpkg-query"):
        for name, users in sorted(direct.items()):
            if name.startswith("ld-linux"):  # the dynamic loader, part of libc6
                continue
            where = resolved.get(name)
            package = package_owning(where) if where else None
            if package is None:
                unlisted.append(f"{name} (no package owns it; needed by {', '.join(sorted(users))})")
            elif package not in allowed:
                unlisted.append(f"{package} for {name} (needed by {', '.join(sorted(users))})")
    else:
        print("No dpkg-query here: the Depends list is not checked against the bundle")
    if unlisted:
        raise BuildError("add these to DEPENDS in packaging/build.py:\n  " + "\n  ".join(unlisted))
    return f"libc6 (>= {glibc[0]}.{glibc[1]})"


def deb_architecture() -> str:
    if shutil.which("dpkg"):
        return subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
        ).stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def stage_deb(bundle: Path, root: Path) -> None:
    """The files of the package under `root`, laid out as they install."""
    shutil.copytree(bundle, root / INSTALL_DIR.lstrip("/"), symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/rocketwatch").symlink_to(f"{INSTALL_DIR}/rocketwatch")
    copy_file(RESOURCES / "rocketwatch.desktop", root / "usr/share/applications/rocketwatch.desktop")
    metainfo = RESOURCES / "org.rocketwatch.RocketWatch.metainfo.xml"
    copy_file(metainfo, root / "usr/share/metainfo" / metainfo.name)
    hicolor = root / "usr/share/icons/hicolor"
    for size in HICOLOR_SIZES:
        png = RESOURCES / f"icons/hicolor/{size}x{size}/apps/rocketwatch.png"
        if not png.is_file():
            raise BuildError(f"missing icon {png.relative_to(REPO)}")
        copy_file(png, hicolor / f"{size}x{size}/apps/rocketwatch.png")
    copy_file(RESOURCES / "icons/rocketwatch.svg", hicolor / "scalable/apps/rocketwatch.svg")
    # The tray icon names these (one per state) for a StatusNotifierItem host to draw in its panel's colours.
    for symbolic in (
        "rocketwatch-symbolic.svg",
        "rocketwatch-running-symbolic.svg",
        "rocketwatch-failed-symbolic.svg",
    ):
        copy_file(RESOURCES / "icons" / symbolic, hicolor / "symbolic/apps" / symbolic)
    doc = root / "usr/share/doc/rocketwatch"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: RocketWatch\n\nFiles: *\nCopyright: RocketWatch developers\nLicense: MIT\n"
        "Comment: the bundled Qt (LGPL-3.0), PySide6 (LGPL-3.0), Python (PSF-2.0) and Python packages keep\n"
        " their own licenses; see the files under /opt/rocketwatch/_internal.\n",
        encoding="utf-8",
    )
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            executable = path.is_dir() or path.stat().st_mode & 0o111
            path.chmod(0o755 if executable else 0o644)


def installed_size_kib(root: Path) -> int:
    """Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up, one per directory or link."""
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += math.ceil(path.stat().st_size / 1024)
        else:
            total += 1
    return total


def build_deb(bundle: Path, libc: str) -> Path:
    arch, number = deb_architecture(), version()
    stage = BUILD / "deb" / f"rocketwatch_{number}_{arch}"
    shutil.rmtree(stage, ignore_errors=True)
    stage_deb(bundle, stage)
    control = stage / "DEBIAN" / "control"
    size = installed_size_kib(stage)
    control.parent.mkdir(mode=0o755)
    control.write_text(
        f"Package: rocketwatch\nVersion: {number}\nArchitecture: {arch}\n"
        "Maintainer: RocketWatch developers\n"
        f"Installed-Size: {size}\nDepends: {', '.join((libc, *DEPENDS))}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: utils\nPriority: optional\nHomepage: https://github.com/rocketwatch/rocketwatch\n"
        "Description: upcoming rocket launches from Launch Library 2, in your tray\n"
        " RocketWatch sits in the system tray and, on your schedule, fetches the upcoming\n"
        " rocket launches from The Space Devs' Launch Library 2, keeps them and their\n"
        " pictures on your computer, keeps a run history with retries, and tells you what\n"
        " changed through desktop notifications.\n",
        encoding="utf-8",
    )
    control.chmod(0o644)
    # Reproducible: every date is the commit's (dpkg-deb sorts the names and takes the ar dates from it).
    epoch = source_date_epoch()
    for path in [stage, *stage.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    target = DIST / f"{stage.name}.deb"
    run(
        "dpkg-deb",
        "--root-owner-group",
        "-Zxz",
        "--build",
        stage,
        target,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch)),
    )
    return wrote(target)


def build_linux() -> list[Path]:
    if not shutil.which("dpkg-deb"):
        raise BuildError("dpkg-deb is missing (Debian package: dpkg)")
    bundle = build_bundle()
    trim_icu_data(bundle)
    libc = check_depends(bundle)
    return [bundle, build_deb(bundle, libc)]


# --- Windows ----------------------------------------------------------------------------------------------


def make_ico() -> Path:
    """build/icons/rocketwatch.ico from the hand-rendered hicolor PNGs, one image per size."""
    from PIL import Image

    images = [
        Image.open(RESOURCES / f"icons/hicolor/{size}x{size}/apps/rocketwatch.png").convert("RGBA")
        for size in ICO_SIZES
    ]
    ICONS.mkdir(parents=True, exist_ok=True)
    target = ICONS / "rocketwatch.ico"
    images[-1].save(target, format="ICO", sizes=[image.size for image in images], append_images=images[:-1])
    return wrote(target)


def inno_compiler() -> Path:
    found = shutil.which("iscc")
    candidates = [Path(found)] if found else []
    for variable in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        if os.environ.get(variable):
            base = Path(os.environ[variable])
            candidates += [base / "Inno Setup 6/ISCC.exe", base / "Programs/Inno Setup 6/ISCC.exe"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if DRY_RUN is not None:  # where the workflow's Inno Setup step puts it
        return Path("C:/Program Files (x86)/Inno Setup 6/ISCC.exe")
    raise BuildError("Inno Setup 6 is missing (https://jrsoftware.org/isinfo.php; `choco install innosetup`)")


def build_windows() -> list[Path]:
    iscc = inno_compiler()
    icon = make_ico()
    bundle = build_bundle()
    number = version()
    run(
        iscc,
        f"/DAppVersion={number}",
        f"/DSourceDir={bundle}",
        f"/DOutputDir={DIST}",
        f"/DIconFile={icon}",
        PACKAGING / "windows" / "rocketwatch.iss",
    )
    return [bundle, wrote(DIST / f"RocketWatch-{number}-setup.exe")]


# --- macOS ------------------------------------------------------------------------------------------------


def make_icns() -> Path:
    """build/icons/rocketwatch.icns: the SVG rendered at every iconset size with QtSvg, packed by iconutil."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(RESOURCES / "icons" / "rocketwatch.svg"))
    iconset = ICONS / "rocketwatch.iconset"
    shutil.rmtree(iconset, ignore_errors=True)
    iconset.mkdir(parents=True)
    for size in (16, 32, 128, 256, 512):
        for scale in (1, 2):
            image = QImage(size * scale, size * scale, QImage.Format.Format_ARGB32)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size * scale, size * scale))
            painter.end()
            suffix = "@2x" if scale == 2 else ""
            image.save(str(wrote(iconset / f"icon_{size}x{size}{suffix}.png")), "PNG")
    target = ICONS / "rocketwatch.icns"
    run("iconutil", "--convert", "icns", "--output", target, iconset)
    return wrote(target)


def build_macos() -> list[Path]:
    make_icns()
    build_bundle()
    app = wrote(DIST / "RocketWatch.app")
    dmg = DIST / f"RocketWatch-{version()}.dmg"
    with tempfile.TemporaryDirectory() as folder:
        staging = Path(folder) / "RocketWatch"
        staging.mkdir()
        run("ditto", app, staging / app.name)
        wrote(staging / "Applications").symlink_to("/Applications")
        dmg.unlink(missing_ok=True)
        run(
            "hdiutil",
            "create",
            "-volname",
            "RocketWatch",
            "-srcfolder",
            staging,
            "-fs",
            "HFS+",
            "-format",
            "UDZO",
            "-ov",
            dmg,
        )
    return [app, wrote(dmg)]


if __name__ == "__main__":
    sys.exit(main())
