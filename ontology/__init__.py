"""The thaiplan OWL ontology (Turtle is canonical), its namespace, checks and reference page."""

from importlib.resources import files
from pathlib import Path

ONTOLOGY_IRI = "https://w3id.org/thaiplan/ontology"


def ontology_path() -> Path:
    """Path of the canonical Turtle file of the ontology."""
    return Path(str(files(__name__).joinpath("thaiplan.ttl")))
