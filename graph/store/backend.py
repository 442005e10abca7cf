"""Choosing the store backend from the configuration: the embedded pyoxigraph store or a remote one.

A store *location* is either a directory (the embedded store's snapshots) or the URL of a remote SPARQL
query endpoint (`THAIPLAN_STORE`, or `--store URL`). The server's workers and `validate --store` get the
location as one string; `open_read_only` and `snapshot_id` in `graph/store/local.py` accept both kinds.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
from pathlib import Path

from thaiplan.config import ENV_PREFIX, Config
from thaiplan.graph.store.local import EmbeddedStore, GraphStore

# `Path("http://h/sparql")` is `http:/h/sparql`: the single slash is repaired when a URL went through Path
# (every command takes `--store` as text; shapes/validate.read_store still wraps the location in Path).
_URL = re.compile(r"^(https?):/+(?=[^/])", re.IGNORECASE)
# The settings a worker process or a command needs to reach the remote store.
REMOTE_FIELDS = (
    "store",
    "store_update",
    "store_gsp",
    "store_user",
    "store_password",
    "store_connect_timeout",
    "store_read_timeout",
)


STORE_HELP = (
    "store directory (THAIPLAN_STORE_DIR, default ./var/store), or a remote SPARQL query endpoint "
    "(THAIPLAN_STORE)"
)


def add_store_argument(parser: argparse.ArgumentParser, help: str = STORE_HELP) -> None:
    """Add `--store DIR|URL` to a command, as text (a Path would fold a URL's `//`); see `with_location`."""
    parser.add_argument("--store", metavar="DIR|URL", help=help)


def is_remote(location: str | Path | None) -> bool:
    """True when `location` is an http(s) URL (possibly flattened by `Path`), not a directory."""
    return location is not None and bool(_URL.match(str(location)))


def remote_url(location: str | Path) -> str:
    """The URL of a remote location, with the `//` that `Path` removes put back."""
    return _URL.sub(lambda m: m.group(1).lower() + "://", str(location), count=1)


def location(config: Config) -> str | Path:
    """Where the configured store is: the remote query URL, or the embedded store's directory."""
    return remote_url(config.store) if config.store else config.store_dir


def with_location(config: Config, value: str | Path | None) -> Config:
    """The config with a `--store` value: a URL selects the remote backend, a path the embedded one."""
    if value is None or str(value) == "":
        return config
    if is_remote(value):
        return dataclasses.replace(config, store=remote_url(value))
    return dataclasses.replace(config, store="", store_dir=Path(value))


def remote_config(url: str | Path) -> Config:
    """The configuration for the remote store at `url` (credentials and timeouts from THAIPLAN_*)."""
    return Config.from_env(store=remote_url(url))


def worker_env(config: Config) -> dict[str, str]:
    """The environment for a worker process: this process's, plus the remote settings of `config`."""
    env = dict(os.environ)
    if config.store:
        for name in REMOTE_FIELDS:
            env[ENV_PREFIX + name.upper()] = str(getattr(config, name))
    return env


def open_store(config: Config) -> GraphStore:
    """The configured store, opened on its current build (ThaiplanError when there is none)."""
    if config.store:
        from thaiplan.graph.store.remote import RemoteSettings, RemoteStore

        return RemoteStore(RemoteSettings.from_config(dataclasses.replace(config, store=location(config))))
    return EmbeddedStore(config.store_dir)


def describe(config: Config) -> str:
    """The store in words, for messages: its URL or its directory."""
    return f"the SPARQL store at {location(config)}" if config.store else f"the store in {config.store_dir}"


def remote_snapshot_id(url: str | Path) -> str | None:
    """The build id the remote store's manifest names, or None when nothing was published there."""
    from thaiplan.graph.store.remote import RemoteClient, RemoteSettings

    manifest = RemoteClient(RemoteSettings.from_config(remote_config(url))).manifest()
    return manifest.snapshot_id if manifest else None


def current_snapshot_id(config: Config) -> str | None:
    """The id of the configured store's current build; a remote store is asked with `config`'s timeouts."""
    if not config.store:
        from thaiplan.graph.store.local import snapshot_id

        return snapshot_id(config.store_dir)
    from thaiplan.graph.store.remote import RemoteClient, RemoteSettings

    settings = RemoteSettings.from_config(dataclasses.replace(config, store=location(config)))
    manifest = RemoteClient(settings).manifest()
    return manifest.snapshot_id if manifest else None


def open_remote_snapshot(url: str | Path) -> object:
    """The remote store's current build, shaped like a read-only `pyoxigraph.Store` (`RemoteSnapshot`)."""
    from thaiplan.graph.store.remote import RemoteSettings, RemoteSnapshot, RemoteStore

    return RemoteSnapshot(RemoteStore(RemoteSettings.from_config(remote_config(url))))
