"""The Flask server: SPARQL endpoint, resource pages, planners' views and named-query API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thaiplan.server.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Re-export `create_app` lazily, so that query worker processes start without importing Flask."""
    if name == "create_app":
        from thaiplan.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
