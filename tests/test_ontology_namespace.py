"""Issue 2: the TP DefinedNamespace and the Turtle list the same terms, so neither drifts."""

import pytest

from thaiplan.ontology.namespace import TP
from thaiplan.ontology.terms import TP_NS, defined_terms


def test_issue2_namespace_lists_exactly_the_terms_of_the_turtle() -> None:
    in_python = set(TP.__annotations__)
    in_turtle = defined_terms()
    missing, extra = sorted(in_turtle - in_python), sorted(in_python - in_turtle)
    assert not missing and not extra, (
        "ontology/namespace.py and ontology/thaiplan.ttl differ.\n"
        + "".join(f"add to class TP:    {name}: URIRef\n" for name in missing)
        + "".join(f"remove from TP (not in the Turtle): {name}\n" for name in extra)
    )


def test_issue2_namespace_rejects_unknown_terms() -> None:
    assert str(TP.Goal) == TP_NS + "Goal"
    with pytest.raises(AttributeError):
        _ = TP.Gaol
