"""A local picture host that speaks HTTP/2 and HTTP/1.1 over TLS (hypercorn, ALPN), with added latency,
run as a child process by the HTTP/2 scenario; /stats reports connections and protocol versions seen.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def make_app(pictures: dict[str, bytes], latency: float) -> Any:
    connections: set[tuple[str, int]] = set()
    versions: Counter[str] = Counter()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        if path == "/stats":
            body = json.dumps({"connections": len(connections), "versions": dict(versions)}).encode()
            if scope.get("query_string") == b"reset=1":
                connections.clear()
                versions.clear()
            content_type = b"application/json"
            status = 200
        else:
            connections.add(tuple(scope["client"]))
            versions[scope["http_version"]] += 1
            await asyncio.sleep(latency)
            picture = pictures.get(path)
            status, body, content_type = (
                (200, picture, b"image/jpeg") if picture else (404, b"", b"text/plain")
            )
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def main(spec_file: Path) -> int:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    pictures = {path: Path(file).read_bytes() for path, file in spec["pictures"].items()}
    config = Config()
    config.bind = [f"fd://{spec['fd']}"]
    config.certfile = spec["certfile"]
    config.keyfile = spec["keyfile"]
    config.accesslog = None
    config.keep_alive_timeout = 60
    asyncio.run(serve(make_app(pictures, spec["latency"]), config))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
