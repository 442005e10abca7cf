"""Run-time configuration, read from arguments and `THAIPLAN_*` environment variables when asked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from thaiplan.errors import InputError
from thaiplan.ontology.namespace import ID_BASE

ENV_PREFIX = "THAIPLAN_"


@dataclass(frozen=True)
class Config:
    """Settings shared by the CLI and the server; every field maps to `THAIPLAN_<FIELD>`."""

    # Where the embedded store and its build snapshots live.
    store_dir: Path = field(default_factory=lambda: Path.cwd() / "var" / "store")
    host: str = "127.0.0.1"
    port: int = 5000
    # Instance IRIs are minted under this base; a deployment maps it to its own domain.
    base_iri: str = ID_BASE
    # Public base URL of the server, used when rewriting instance IRIs to local links (empty: same host).
    public_url: str = ""
    query_timeout: float = 30.0
    max_rows: int = 100_000
    max_body_bytes: int = 1_000_000
    # Most bytes one serialized answer may take (issue 13): a single row can hold a huge literal.
    max_answer_bytes: int = 64 * 1024 * 1024
    # Memory a query worker may take beyond what it holds once its store is open, MiB (issue 13).
    worker_memory_mb: int = 2048
    # A worker whose peak resident memory grew by more than this many MiB since it started is replaced
    # after its answer (issue 13); None (unset) means a quarter of worker_memory_mb, 0 never.
    worker_recycle_mb: int | None = None
    # Started query workers kept ready to replace a killed one at once, for the light and new clients' reserve
    # worker (issue 13); None (unset) means server/scheduling.py's STANDBY (2), 0 none.
    worker_standby: int | None = None
    threads: int = 8
    workers: int = 2
    # A remote SPARQL 1.1 store instead of the embedded one (empty: embedded); see docs/stores.md.
    store: str = ""  # the query endpoint, e.g. http://127.0.0.1:7878/query
    store_update: str = ""  # the update endpoint (needed by `build`)
    store_gsp: str = ""  # the Graph Store HTTP Protocol endpoint (needed by `build`)
    store_user: str = ""
    store_password: str = ""
    # Seconds to open a connection, and to wait for the next bytes of an answer, on every remote call.
    store_connect_timeout: float = 5.0
    store_read_timeout: float = 25.0
    # `thaiplan build` on a remote store sends each graph in requests of at most this many MiB.
    store_upload_mb: float = 32.0
    # Seconds the server trusts a remote store's manifest (its current build id) before asking again: a
    # cached answer costs the store no request, and a new build is served within this time (issue 14).
    store_manifest_seconds: float = 1.0
    # Seconds `/validation` may take to validate a snapshot in a query worker (issue 14): the whole graph is
    # read, ≈ 24 s at a million triples, so it has its own limit beside THAIPLAN_QUERY_TIMEOUT.
    validation_timeout: float = 300.0
    # Fair sharing (server/budget.py): seconds of query time a client may spend per window. None (unset)
    # means "by host": off when the server listens on a loopback address, 60 s on any other; 0 is off.
    client_budget_seconds: float | None = None
    client_budget_window: float = 60.0
    # Memory for answers cached per snapshot (server/answers.py), MiB; 0 turns the cache off.
    answer_cache_mb: int = 64
    # Reverse proxies whose X-Forwarded-For names the client: addresses or CIDR blocks, comma-separated.
    trusted_proxies: str = ""
    # Query requests one client may have running or waiting at once (issue 13). None (unset) means 2, on
    # every address (loopback too); 0 is off. Also turns on the light clients' lane.
    client_concurrency: int | None = None
    # Seconds a connection may stay idle (no request in progress) before it is closed, and open
    # connections at most (waitress's channel_timeout and connection_limit; issue 13).
    idle_timeout: int = 30
    connection_limit: int = 1000
    # The stewards' `/import` page (issue 16): off (404) unless a token is set; kept out of the repr so
    # that a logged config never shows it.
    import_token: str = field(default="", repr=False)
    # Largest spreadsheet `/import` accepts, in bytes (the rest of the server keeps `max_body_bytes`).
    import_max_bytes: int = 10 * 1024 * 1024
    # The curated-data folder `serve` builds from and `/import` writes into (None: the shipped graph/data).
    data_dir: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Build a config from the environment, then apply explicit (non-None) overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _coerce(name: str, type_name: Any, raw: str) -> Any:
    """Turn one environment string into the field's type, or say which variable is wrong."""
    kind = str(type_name).removesuffix(" | None")  # an optional field: unset or empty stays None
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError as exc:
        raise InputError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw
