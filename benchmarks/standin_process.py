"""The LL2 stand-in in its own process, so its server threads never compete with the code under test
for the GIL; the parent reads its request log and byte counts through a line-per-command pipe.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, child_env


class StandInProcess:
    """A started `StandIn` in a child process; the few StandIn observations the scenarios use."""

    def __init__(
        self,
        spec_dir: Path,
        records: list[dict[str, Any]],
        images: dict[str, bytes],
        *,
        version: str = "2.3.0",
        latency: float = 0.0,
    ) -> None:
        spec_dir.mkdir(parents=True, exist_ok=True)
        image_files: dict[str, str] = {}
        for number, (path, body) in enumerate(images.items()):
            file = spec_dir / f"image-{number:05d}.bin"
            file.write_bytes(body)
            image_files[path] = str(file)
        spec = spec_dir / "spec.json"
        spec.write_text(
            json.dumps({"records": records, "version": version, "latency": latency, "images": image_files}),
            encoding="utf-8",
        )
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.standin_process", str(spec)],
            cwd=REPO,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        first = json.loads(self._read_line())
        self.base_url: str = first["base_url"]
        self.api_url: str = first["api_url"]
        self.upcoming_path: str = first["upcoming_path"]

    def _read_line(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the stand-in process ended")
        return line

    def _ask(self, command: str, argument: Any = None) -> Any:
        assert self._process.stdin is not None
        with self._lock:
            self._process.stdin.write(json.dumps([command, argument]) + "\n")
            self._process.stdin.flush()
            return json.loads(self._read_line())

    def url(self, path: str) -> str:
        return self.base_url + path

    def count(self, path_prefix: str = "") -> int:
        return int(self._ask("count", path_prefix))

    def bytes_sent(self, path_prefix: str = "") -> int:
        return int(self._ask("bytes_sent", path_prefix))

    def peak_in_flight(self) -> int:
        """The most requests handled at the same time since the stand-in started."""
        return int(self._ask("peak_in_flight"))

    def clear_requests(self) -> None:
        """Forget the request log and the byte counts (once no request is in flight)."""
        self._ask("clear")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return bool(self._ask("wait_idle", timeout))

    def set_latency(self, seconds: float) -> None:
        self._ask("latency", seconds)

    def stop(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(RuntimeError, OSError, ValueError):
                self._ask("stop")
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)


def serve(spec_file: Path) -> int:
    """The child: serve the spec and answer commands from stdin, one JSON line each, until "stop"."""
    from rocketwatch.standin import StandIn

    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    standin = StandIn(spec["records"], version=spec["version"], latency=spec["latency"])
    for path, file in spec["images"].items():
        standin.add_image(path, Path(file).read_bytes())
    standin.start()
    print(
        json.dumps(
            {"base_url": standin.base_url, "api_url": standin.api_url, "upcoming_path": standin.upcoming_path}
        ),
        flush=True,
    )
    try:
        for line in sys.stdin:
            command, argument = json.loads(line)
            answer: Any = None
            if command == "count":
                answer = standin.count(argument)
            elif command == "bytes_sent":
                answer = standin.bytes_sent(argument)
            elif command == "peak_in_flight":
                answer = standin.peak_in_flight
            elif command == "clear":
                standin.wait_idle(10)
                standin.clear_requests()
            elif command == "wait_idle":
                answer = standin.wait_idle(float(argument))
            elif command == "latency":
                standin.latency = float(argument)
            elif command == "stop":
                print("null", flush=True)
                break
            print(json.dumps(answer), flush=True)
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
