"""Extra scenario, HTTP/2 for the picture host: the app's ImageFetcher over TLS against a local hypercorn,
HTTP/1.1 with 8 connections (today) against HTTP/2 multiplexing on one connection; 100 ms per request.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import LATENCY_S, REPO, Context, Row, Skipped, child_env, median, wait_until

NAME = "http2"
TITLE = "+ HTTP/2 pictures"
# (label, HTTP/2?, concurrency): the first is today's app (the baseline of the others).
MODES = (
    ("HTTP/1.1, 8 connections (today)", False, 8),
    ("HTTP/2, 8 streams on 1 connection", True, 8),
    ("HTTP/2, 32 streams on 1 connection", True, 32),
    ("HTTP/1.1, 32 connections", False, 32),
)


def missing() -> str | None:
    try:
        import h2  # noqa: F401
        import hypercorn  # noqa: F401
        import trustme  # noqa: F401
    except ImportError as error:
        return (
            f"skipped: {error.name} is not installed; the HTTP/2 comparison needs the bench group: "
            "`uv run --group bench python -m benchmarks --only http2`"
        )
    return None


class PictureHost:
    """hypercorn in a child process, TLS on 127.0.0.1 (trustme certificates), both protocols by ALPN."""

    def __init__(self, folder: Path, pictures: dict[str, bytes], latency: float) -> None:
        import trustme

        folder.mkdir(parents=True, exist_ok=True)
        authority = trustme.CA()
        server_cert = authority.issue_cert("127.0.0.1")
        certfile, keyfile, cafile = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
        server_cert.cert_chain_pems[0].write_to_path(str(certfile))
        for extra in server_cert.cert_chain_pems[1:]:
            extra.write_to_path(str(certfile), append=True)
        server_cert.private_key_pem.write_to_path(str(keyfile))
        authority.cert_pem.write_to_path(str(cafile))
        self.ssl_context = ssl.create_default_context(cafile=str(cafile))
        files = {}
        for number, (path, body) in enumerate(pictures.items()):
            file = folder / f"picture-{number:03d}.jpg"
            file.write_bytes(body)
            files[path] = str(file)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(128)
        self.port = self._socket.getsockname()[1]
        spec = folder / "spec.json"
        spec.write_text(
            json.dumps(
                {
                    "fd": self._socket.fileno(),
                    "certfile": str(certfile),
                    "keyfile": str(keyfile),
                    "latency": latency,
                    "pictures": files,
                }
            )
        )
        self._log = open(folder / "hypercorn.log", "wb")  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.h2_server", str(spec)],
            cwd=REPO,
            env=child_env(),
            pass_fds=(self._socket.fileno(),),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, 30, "hypercorn to answer", 0.05)

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def _answers(self) -> bool:
        try:
            return self.stats(reset=True) is not None
        except httpx.HTTPError:
            return False

    def stats(self, reset: bool = False) -> dict[str, Any]:
        with httpx.Client(verify=self.ssl_context, timeout=5) as client:
            return client.get(self.url("/stats"), params={"reset": "1"} if reset else None).json()

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        self._socket.close()
        self._log.close()


def fetch_once(
    host: PictureHost, urls: list[str], folder: Path, http2: bool, concurrency: int
) -> tuple[float, list[str]]:
    """The app's own ImageFetcher (validation, thumbnails and all), its httpx client swapped for one
    with HTTP/2 on or off and the same limits: seconds, and the reasons of pictures that failed."""
    from rocketwatch import USER_AGENT
    from rocketwatch.images import ACCEPT, ImageFetcher

    fetcher = ImageFetcher(
        folder / "images",
        folder / "thumbnails",
        concurrency=concurrency,
        timeout=30,
        allow_private_hosts=True,
    )
    fetcher._client.close()
    fetcher._client = httpx.Client(
        http2=http2,
        verify=host.ssl_context,
        timeout=httpx.Timeout(30),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "identity"},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )
    with fetcher:
        started = time.perf_counter()
        outcomes = fetcher.fetch_all(urls)
        seconds = time.perf_counter() - started
    return seconds, [outcome.reason or "?" for outcome in outcomes if not outcome.ok]


def run(ctx: Context) -> list[Row] | Skipped:
    reason = missing()
    if reason:
        return Skipped(TITLE, reason)
    pictures = ctx.pictures()
    host = PictureHost(ctx.scratch / "h2-host", pictures, LATENCY_S)
    urls = [host.url(path) for path in pictures]
    seconds: dict[str, list[float]] = {label: [] for label, _, _ in MODES}
    failures: dict[str, list[str]] = {label: [] for label, _, _ in MODES}
    seen: dict[str, dict[str, Any]] = {}
    try:
        for rep in range(ctx.reps(3, 2) + 1):  # the first round warms up and is not counted
            for label, http2, concurrency in MODES:
                host.stats(reset=True)
                folder = ctx.scratch / f"h2-{rep}-{http2}-{concurrency}"
                took, failed = fetch_once(host, urls, folder, http2, concurrency)
                stats = host.stats()
                seen[label] = stats
                failures[label].extend(failed)
                if rep and not failed:  # a round with failures is no timing of the whole job
                    seconds[label].append(took)
    finally:
        host.stop()
    baseline_label = MODES[0][0]
    baseline = seconds[baseline_label]
    rows = []
    for label, _, _ in MODES:
        stats = seen[label]
        versions = ", ".join(
            f"HTTP/{version} x{count}" for version, count in sorted(stats["versions"].items())
        )
        failed = failures[label]
        trouble = (
            f"; {len(failed)} pictures FAILED over all rounds ({failed[0]}); those rounds are not "
            "in the median"
            if failed
            else ""
        )
        rows.append(
            Row(
                TITLE,
                f"100 pictures, {label}",
                median(seconds[label]),
                "s",
                median(baseline),
                "HTTP/1.1 x8",
                reps=str(len(seconds[label])),
                note=f"{stats['connections']} TLS connections, {versions} (hypercorn 127.0.0.1, "
                f"{LATENCY_S * 1000:.0f} ms a request, ImageFetcher incl. thumbnails){trouble}",
                samples=seconds[label],
                baseline_samples=baseline,
            )
        )
    return rows
