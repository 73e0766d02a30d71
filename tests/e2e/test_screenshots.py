"""Screenshots of every window, rendered by the real windows on a real X server, for a person to look at.

They go to screenshots/ (not committed); the README shows copies taken this way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import write_config
from PIL import Image

from rocketwatch.standin import Fault, StandIn

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_gallery_history_and_settings_render(desktop, tmp_path) -> None:
    home = tmp_path / "home"
    # With history the retry's page differs from the first run's: a 12 h slip and a landing are recorded.
    with StandIn.demo(history=True) as standin:
        write_config(home, source={"api_url": standin.api_url}, pipeline={"retries": 1})

        def cli(*args: str) -> dict:
            result = desktop.run(
                sys.executable, "-m", "rocketwatch", "--home", str(home), *args, "--json", timeout=60
            )
            return json.loads(result.stdout)

        assert cli("run")["state"] == "success"
        standin.set_sticky_api_fault(Fault("status", code=503))
        failed = cli("run")
        assert failed["state"] == "failed"
        assert cli("run")["state"] == "failed"
        standin.set_sticky_api_fault(None)
        assert cli("retry", str(failed["run_id"]))["state"] == "success"

    # In English, then the same windows in Korean (the language set in the settings, as a user would).
    for language, outdir in (("en", ROOT / "screenshots"), ("ko", ROOT / "screenshots" / "ko")):
        write_config(
            home, source={"api_url": standin.api_url}, pipeline={"retries": 1}, general={"language": language}
        )
        result = desktop.run(
            sys.executable, str(ROOT / "tests" / "render_windows.py"), str(home), str(outdir), timeout=120
        )
        assert result.returncode == 0, result.stderr
        for name in (
            "gallery",
            "detail",
            "history",
            "settings",
            "settings-source",
            "settings-alerts",
            "settings-pipeline",
            "settings-general",
        ):
            with Image.open(outdir / f"{name}.png") as shot:
                assert shot.width >= (300 if name == "detail" else 600) and shot.height >= 300, name
                colours = shot.convert("RGB").resize((64, 64)).getcolors(64 * 64)
                assert colours is not None and len(colours) > 20, f"{name} looks blank"
