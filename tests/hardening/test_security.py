"""The promises of SECURITY.md that are not faults: TLS always verified, private files, no shell anywhere.

Each test checks what a user (or an attacker on the same machine or network) would notice.
"""

from __future__ import annotations

import re
import ssl
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from rig import Rig

import rocketwatch

SOURCE = Path(rocketwatch.__file__).parent
# The stand-in is a test server, not part of what talks to the internet.
APP_SOURCES = sorted(path for path in SOURCE.rglob("*.py") if "standin" not in path.parts)


def test_no_source_turns_tls_verification_off() -> None:
    pattern = re.compile(
        "|".join(
            [r"verify\s*=\s*False", "CERT_NONE", "_create_unverified_context", r"check_hostname\s*=\s*False"]
        )
    )
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in APP_SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_every_http_client_of_a_run_verifies_tls(rig, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []
    real_init = httpx.Client.__init__

    def recording_init(client: httpx.Client, *args: Any, **kwargs: Any) -> None:
        made.append(kwargs)
        real_init(client, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "__init__", recording_init)
    h: Rig = rig()
    assert h.runner.run().state == "success"

    assert len(made) == 2  # the LL2 client and the picture downloader
    for kwargs in made:
        verify = kwargs.get("verify", True)
        assert verify is True or (
            isinstance(verify, ssl.SSLContext)
            and verify.verify_mode == ssl.CERT_REQUIRED
            and verify.check_hostname
        )


def test_pictures_and_thumbnails_are_readable_by_the_user_only(rig) -> None:
    h: Rig = rig()
    assert h.runner.run().state == "success"
    files = [*h.paths.images_dir.iterdir(), *h.paths.thumbnails_dir.iterdir()]
    assert files
    assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}


def test_nothing_runs_a_shell_or_builds_a_command_line_from_text() -> None:
    # (Qt's app.exec() is a method, not the builtin.)
    pattern = re.compile(
        "|".join(
            [
                r"shell\s*=\s*True",
                r"os\.system\(",
                r"os\.popen\(",
                r"(?<![.\w])(?:eval|exec)\(",
                r"pickle\.loads?\(",
            ]
        )
    )
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in APP_SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_single_instance_socket_is_never_put_in_a_folder_others_can_enter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import tempfile

    single_instance = pytest.importorskip("rocketwatch.ui.single_instance")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"rocketwatch-{os.getuid()}"  # made first by someone else, open to all
    planted.mkdir()
    planted.chmod(0o777)

    with pytest.raises(OSError, match="is not a private folder"):
        single_instance.server_address("rocketwatch-test")
