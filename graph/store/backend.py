"""Choosing the store from the configuration, once at start-up: the embedded pyoxigraph store or a remote one.

`open_store(config)` gives the configured `GraphStore` (`graph/store/api.py`): `EmbeddedStore` on
`THAIPLAN_STORE_DIR`, or `RemoteStore` when `THAIPLAN_STORE` names a SPARQL query endpoint. Commands take
`--store DIR|URL` as text: `with_location` turns it into the configuration (a URL selects the remote
backend), and nothing else looks at a location to decide. The query workers are separate processes: they
get the same configuration (`worker_env`, and the location as an argument) and choose the same way.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
from pathlib import Path

from thaiplan.config import ENV_PREFIX, Config
from thaiplan.graph.store.api import GraphStore
from thaiplan.graph.store.client import RemoteSettings
from thaiplan.graph.store.local import EmbeddedStore
from thaiplan.graph.store.remote import RemoteStore

# `Path("http://h/sparql")` is `http:/h/sparql`: the single slash is repaired when a URL went through Path.
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
    "store_manifest_seconds",
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


def open_store(config: Config, *, opened: bool = True) -> GraphStore:
    """The configured store, opened on its current build (ThaiplanError when there is none) if `opened`."""
    if config.store:
        settings = RemoteSettings.from_config(dataclasses.replace(config, store=location(config)))
        return RemoteStore(settings, opened=opened, manifest_seconds=config.store_manifest_seconds)
    return EmbeddedStore(config.store_dir, opened=opened)


def open_location(value: str | Path) -> GraphStore:
    """The store a command's `--store DIR|URL` names, opened on its current build (THAIPLAN_* for the rest).
    """
    return open_store(with_location(Config.from_env(), value))


def describe(config: Config) -> str:
    """The store in words, for messages: its URL or its directory."""
    return f"the SPARQL store at {location(config)}" if config.store else f"the store in {config.store_dir}"
