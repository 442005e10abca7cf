"""Defence in depth for query workers: a worker process cuts itself off the network when it starts.

The guard (`queries/guard/safety.py`) keeps SERVICE and LOAD from the engine, and the engine runs only the
guard's canonical text (issue 13); pyoxigraph 0.5 has no option to refuse SERVICE itself (its
`Store.query` takes none). So, should a future check miss something, the worker still reaches nothing:

- **Embedded store**: the worker needs no network at all. It moves into a network namespace of its own
  (`unshare(CLONE_NEWNET)`, allowed as root: nothing in it, not even a loopback that is up); where that is
  refused, into a new user namespace with its own network namespace (unprivileged, where the kernel
  allows it; the process must still be single-threaded); else a seccomp filter makes `socket()` fail for
  AF_INET and AF_INET6; else it logs a warning. The socket pair to the web process was created before and
  is inherited as a file descriptor, so it keeps working in the new namespace.
- **Remote store**: the worker talks HTTP to the store through Python's own sockets, so an audit hook
  (`sys.addaudithook`) refuses `socket.connect` to any address but the configured store's (its query,
  update and Graph Store URLs' hosts and ports), and name lookups of any other host.

Hand-written, through ctypes: `os.unshare` arrives with Python 3.12 (the project runs 3.11), and the
seccomp wrappers on PyPI are unmaintained (pyseccomp 0.1.2 and pyprctl 0.1.3, last released 2021). The
filter is nine BPF instructions; measured here (root, Linux 2-CPU CI shape): all three methods work, and
with each one pyoxigraph's SERVICE fails at once ("Network is unreachable" / "Operation not permitted").
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import platform
import socket
import struct
import sys
import urllib.parse
from collections.abc import Iterable, Sequence

log = logging.getLogger(__name__)

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
# The architectures the seccomp filter knows: (AUDIT_ARCH value, number of the `socket` system call).
SECCOMP_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
EMBEDDED_METHODS = ("netns", "userns", "seccomp")


def confine(store: str, methods: Sequence[str] = EMBEDDED_METHODS) -> str:
    """Cut this worker off the network as far as `store` allows; the name of the confinement in force."""
    from thaiplan.graph.store.backend import is_remote, remote_url

    if is_remote(store):
        return confine_to_store(remote_url(store))
    for method in methods:
        if _METHODS[method]():
            return method
    log.warning("query worker: no network confinement is available here (no namespaces, no seccomp)")
    return "none"


def _libc() -> ctypes.CDLL:
    """The C library, with errno kept for error messages."""
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _unshare(flags: int) -> bool:
    """Call unshare(2); True when it succeeded."""
    try:
        return _libc().unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def network_namespace() -> bool:
    """Move into a new, empty network namespace (needs CAP_SYS_ADMIN, e.g. root)."""
    return _unshare(CLONE_NEWNET)


def user_network_namespace() -> bool:
    """Move into a new user namespace and a new network namespace inside it (unprivileged)."""
    return _unshare(CLONE_NEWUSER | CLONE_NEWNET)


def seccomp_no_inet() -> bool:
    """Install a seccomp filter under which socket(AF_INET|AF_INET6, …) fails with EPERM."""
    arch = SECCOMP_ARCHES.get(platform.machine())
    if arch is None or not sys.platform.startswith("linux"):
        return False
    audit_arch, socket_nr = arch
    errno_eperm = SECCOMP_RET_ERRNO | 1
    # BPF over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}: offsets 0, 4, 8, 16. A jump's
    # (true, false) offsets count the instructions skipped: 7 is the ALLOW return, 8 the EPERM one.
    program = [
        (0x20, 0, 0, 4),  # ld arch
        (0x15, 0, 5, audit_arch),  # another architecture: allow (never seen on these machines)
        (0x20, 0, 0, 0),  # ld nr
        (0x15, 0, 3, socket_nr),  # not socket(): allow
        (0x20, 0, 0, 16),  # ld args[0] (domain, low 32 bits)
        (0x15, 2, 0, socket.AF_INET),  # AF_INET: refuse
        (0x15, 1, 0, socket.AF_INET6),  # AF_INET6: refuse
        (0x06, 0, 0, SECCOMP_RET_ALLOW),
        (0x06, 0, 0, errno_eperm),
    ]
    raw = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        """struct sock_fprog."""

        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    fprog = SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    try:
        libc = _libc()
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
    except (OSError, AttributeError):
        return False


_METHODS = {"netns": network_namespace, "userns": user_network_namespace, "seccomp": seccomp_no_inet}


def confine_to_store(query_url: str) -> str:
    """Allow this process's sockets to reach only the remote store's hosts and ports."""
    from thaiplan.graph.store.backend import remote_config

    config = remote_config(query_url)
    allow_only(url for url in (query_url, config.store_update, config.store_gsp) if url)
    return "audit-hook"


def endpoints(urls: Iterable[str]) -> set[tuple[str, int]]:
    """The (host, port) pairs of URLs, with the scheme's default port."""
    pairs = set()
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.hostname:
            pairs.add((parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)))
    return pairs


def allow_only(urls: Iterable[str]) -> None:
    """Install an audit hook refusing connections and name lookups outside the hosts and ports of `urls`."""
    allowed = endpoints(urls)
    hosts = {host for host, _ in allowed}
    addresses = set(allowed)
    for host, port in allowed:
        with contextlib.suppress(OSError):  # not resolvable now: only the literal host is allowed
            addresses |= {(info[4][0], port) for info in socket.getaddrinfo(host, port)}

    def hook(event: str, args: tuple[object, ...]) -> None:
        """Refuse a connection or a lookup the store does not need."""
        if event == "socket.connect":
            address = args[1]
            if not (isinstance(address, tuple) and (address[0], address[1]) in addresses):
                raise PermissionError(f"query workers may only connect to the graph store, not {address!r}")
        elif event == "socket.getaddrinfo" and args[0] is not None:
            host = args[0].decode() if isinstance(args[0], bytes) else args[0]
            if host not in hosts:
                raise PermissionError(f"query workers may only look up the graph store's host, not {host!r}")

    sys.addaudithook(hook)


def network_namespace_of(pid: int | None = None) -> str:
    """The network namespace a process is in (for tests and diagnostics)."""
    return os.readlink(f"/proc/{pid or 'self'}/ns/net")
