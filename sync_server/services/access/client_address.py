"""Which address a request came from, for the per-address sign-in limit.

Behind a reverse proxy every request arrives from the proxy. A proxy the server is told to
trust (`trusted_proxies`) appends the address it received the request from to
X-Forwarded-For, so the client is the right-most address there that is not itself a trusted
proxy. Everything left of it was written by the client and could be anything: the header is
read only when the direct peer is trusted, and only as far as the first untrusted hop.
"""

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address

from sync_server.config import ProxyNetwork

IPAddress = IPv4Address | IPv6Address


def _parse(text: str) -> IPAddress | None:
    """The address in one X-Forwarded-For hop or peer host, or None if it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]" or "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.7:51000": an IPv4 address with its port
        text = text.split(":", 1)[0]
    try:
        found = ip_address(text)
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # a dual-stack socket's view of an IPv4 peer
    return found


def _trusted(address: IPAddress, proxies: Sequence[ProxyNetwork]) -> bool:
    return any(address in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], proxies: Sequence[ProxyNetwork]
) -> str | None:
    """Return the client's address: the peer's, or the one a trusted proxy forwarded.

    Args:
        peer: the direct peer's host as the server socket saw it (None if unknown).
        forwarded_for: every X-Forwarded-For header value of the request, in order.
        proxies: the networks of the reverse proxies the server trusts.

    Returns:
        The right-most forwarded address that is not a trusted proxy, when the peer is one;
        the peer's host otherwise. If every forwarded hop is a trusted proxy, or a hop is not
        an address, the nearest trusted hop walked so far stands for the client.
    """
    peer_address = _parse(peer) if peer is not None else None
    if peer_address is None or not proxies or not _trusted(peer_address, proxies):
        return peer
    client = peer_address
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)
