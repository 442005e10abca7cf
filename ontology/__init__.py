"""The thaiplan OWL ontology (Turtle is canonical), its namespace, checks and reference page."""

from importlib.resources import files
from pathlib import Path

# The ontology IRI lives in the vocabulary module with every other IRI of the project (issue 14).
from thaiplan.ontology.namespace import ONTOLOGY_IRI

__all__ = ["ONTOLOGY_IRI", "ontology_path"]


def ontology_path() -> Path:
    """Path of the canonical Turtle file of the ontology."""
    return Path(str(files(__name__).joinpath("thaiplan.ttl")))
