"""Network-address safety in one place: whether a host or an API address is on this computer or a
private network. The picture fetcher refuses such hosts; the LL2 source treats such a server as local.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_local_name(host: str) -> bool:
    """localhost and its subdomains, which always mean this computer."""
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


def literal_address(host: str) -> IPAddress | None:
    """host as an IP address when it is written as one (including forms like 127.1), else None."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


def is_private_address(address: IPAddress) -> bool:
    """A loopback, private, link-local, unspecified, multicast or reserved address (IPv4-mapped too)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    )


def is_private_host(host: str, port: int | None) -> bool:
    """True when host is, or resolves to, a private address (see is_private_address). Resolves names, so
    a public name that points into the local network counts as private."""
    if is_local_name(host):
        return True
    literal = literal_address(host)
    if literal is not None:
        return is_private_address(literal)
    try:
        infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False  # unresolvable: the download itself will report the host as unreachable
    addresses = {literal_address(str(info[4][0])) for info in infos}
    return any(address is None or is_private_address(address) for address in addresses)


def private_api_host(api_url: str) -> bool:
    """True when the API itself is on loopback or a private network (the stand-in, a LAN mirror). Judged
    from the address as written, without a name lookup (Settings asks on every key press)."""
    try:
        host = urlsplit(api_url).hostname or ""
    except ValueError:
        return False
    if is_local_name(host):
        return True
    literal = literal_address(host) if host else None
    return literal is not None and is_private_address(literal)
