"""`thaiplan build` on a remote store: build in a local scratch store, then publish it with one switch.

The closures, the indexes and the quote check run exactly as for the embedded store (in an embedded
scratch store in a temporary directory), so the remote store needs nothing but SPARQL 1.1 Query, Update
and the Graph Store HTTP Protocol. `graph/store/remote.py` says what readers see while the build publishes.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from thaiplan.config import Config
from thaiplan.errors import ThaiplanError
from thaiplan.graph.build import default_graph
from thaiplan.graph.build.inputs import Input
from thaiplan.graph.build.report import BuildReport
from thaiplan.graph.store.local import new_snapshot_id
from thaiplan.graph.store.remote import RemoteClient, RemoteSettings, publish


def build_remote(
    config: Config,
    inputs: list[Input],
    started: float,
    *,
    out: Callable[[str], object] = print,
    before_switch: Callable[[], Any] | None = None,
) -> BuildReport:
    """Build the graph locally and publish it to the remote store of `config` atomically."""
    from thaiplan.graph.build.pipeline import _fill  # the embedded build's own steps, unchanged
    from thaiplan.graph.store.backend import location

    client = RemoteClient(RemoteSettings.from_config(config))
    for name, value in (
        ("THAIPLAN_STORE_UPDATE", config.store_update),
        ("THAIPLAN_STORE_GSP", config.store_gsp),
    ):
        if not value:
            raise ThaiplanError(f"`thaiplan build` on the SPARQL store at {config.store} needs {name}")
    client.manifest()  # fail early, before the local work, when the store is down
    sid = new_snapshot_id()
    with tempfile.TemporaryDirectory(prefix="thaiplan-build-") as tmp:
        scratch_dir = Path(tmp) / "scratch"
        result = _fill(scratch_dir, inputs)
        # The default graph's set travels as a named graph of the build (issue 19: a remote default graph
        # is a set too); `graph/build/default_graph.py` serves it.
        default_graph.name_copy(scratch_dir)
        scratch = ox.Store.read_only(str(scratch_dir))
        try:
            publish(client, scratch, sid, before_switch=before_switch)
        finally:
            del scratch
    result.snapshot_id = sid
    result.snapshot_dir = location(config)  # type: ignore[assignment]
    result.seconds = time.perf_counter() - started
    out(result.render())
    return result
