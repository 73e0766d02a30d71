"""Network-address safety: which hosts the picture fetcher refuses and which API servers count as local."""

from __future__ import annotations

import pytest

from rocketwatch.addresses import is_private_host, private_api_host


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "cam.localhost",
        "127.0.0.1",
        "127.1",
        "10.0.0.5",
        "192.168.1.20",
        "169.254.169.254",
        "::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
    ],
)
def test_hosts_on_this_computer_or_the_local_network_are_private(host: str) -> None:
    assert is_private_host(host, None)


@pytest.mark.parametrize("host", ["93.184.216.34", "2606:4700::1111"])
def test_public_addresses_are_not_private(host: str) -> None:
    assert not is_private_host(host, 443)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/2.3.0",
        "http://localhost/2.3.0",
        "http://192.168.1.2:8000/",
        "http://[::1]:9000/2.3.0",
    ],
)
def test_an_api_on_this_computer_or_the_lan_is_local(url: str) -> None:
    assert private_api_host(url)


@pytest.mark.parametrize(
    "url", ["https://ll.thespacedevs.com/2.3.0", "https://93.184.216.34/", "not a url", "http://[bad/"]
)
def test_a_public_or_unreadable_api_address_is_not_local(url: str) -> None:
    assert not private_api_host(url)
