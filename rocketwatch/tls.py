"""One TLS context for the whole process, shared by the LL2 client and the picture fetcher.

Building a context loads the CA bundle (20-60 ms of CPU); httpx would build one for every client, that
is twice a run, on the run's critical path. An `ssl.SSLContext` may be shared by clients and threads.
"""

from __future__ import annotations

import functools
import ssl


@functools.cache
def verified_context() -> ssl.SSLContext:
    """The context httpx builds for `verify=True` (its CA bundle, SSL_CERT_FILE/SSL_CERT_DIR), built once."""
    from rocketwatch.http import httpx

    return httpx.create_ssl_context(verify=True, trust_env=True)
