"""RDF terms of the synthetic graph, pre-rendered in N-Triples syntax (the writers only concatenate)."""

from __future__ import annotations

import re

from thaiplan.errors import InputError
from thaiplan.ontology.namespace import ID_BASE
from thaiplan.ontology.namespace import SYNTH_GRAPH as SYNTH_GRAPH  # re-exported: the writers name it
from thaiplan.ontology.namespace import TP_NS as TP

SYNTH_BASE = ID_BASE + "synth/"

SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"

# Prefixes of the Turtle output (the kinds of instance get theirs from the base: see `kind_prefixes`).
VOCAB_PREFIXES = {
    "tp": TP,
    "skos": SKOS,
    "prov": PROV,
    "org": ORG,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "time": TIME,
}
KINDS = (
    "agency",
    "plan",
    "strategy",
    "goal",
    "tactic",
    "project",
    "indicator",
    "target",
    "observation",
    "passage",
    "source",
    "alignment",
    "fiscal-year",
    "budget",
    "progress",
)

# Characters an IRIREF may not hold (RDF 1.1 N-Triples), plus whitespace.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri(value: str) -> str:
    """An IRI in N-Triples syntax."""
    return f"<{value}>"


def check_base(base: str) -> str:
    """The base IRI for synthetic instances, refused unless it is an absolute http(s) IRI ending in /."""
    if not re.match(r"^https?://[^/]+/", base) or not base.endswith("/") or _BAD_IRI.search(base):
        raise InputError(
            "--base must be an absolute http(s) IRI ending in '/' with no spaces or <>\"{}|^`\\, "
            f"not {base!r}"
        )
    return base


def kind_prefixes(base: str) -> dict[str, str]:
    """Turtle prefixes for the instance kinds under the base (agency: → <base>agency/, …)."""
    return {kind: f"{base}{kind}/" for kind in KINDS}


def lit_th(text: str) -> str:
    """A Thai-tagged literal (the text holds nothing to escape: see synth_words)."""
    return f'"{text}"@th'


def lit_en(text: str) -> str:
    """An English-tagged literal."""
    return f'"{text}"@en'


def lit(text: str) -> str:
    """A plain (xsd:string) literal."""
    return f'"{text}"'


INTEGER = f"^^<{XSD}integer>"
DECIMAL = f"^^<{XSD}decimal>"
GYEAR = f"^^<{XSD}gYear>"


def integer(value: int) -> str:
    """An xsd:integer literal."""
    return f'"{value}"{INTEGER}'


def g_year(value: int) -> str:
    """An xsd:gYear literal (four digits)."""
    return f'"{value:04d}"{GYEAR}'


def hundredths(value: int) -> str:
    """An xsd:decimal literal from a value in hundredths, in canonical form (8550 → "85.5", 8500 → "85").

    Canonical (XSD 1.1) so that a store which normalizes decimals, as Oxigraph does, gives back the same
    lexical form that was written.
    """
    whole, cents = divmod(value, 100)
    if cents == 0:
        return f'"{whole}"{DECIMAL}'
    return f'"{whole}.{cents:02d}"{DECIMAL}'.replace('0"^', '"^')


class V:
    """The vocabulary terms the generator writes, in N-Triples syntax."""

    type = iri(RDF + "type")
    pref = iri(SKOS + "prefLabel")
    alt = iri(SKOS + "altLabel")
    notation = iri(SKOS + "notation")
    in_scheme = iri(SKOS + "inScheme")
    derived = iri(PROV + "wasDerivedFrom")
    quoted_from = iri(PROV + "wasQuotedFrom")
    sub_org = iri(ORG + "subOrganizationOf")
    title = iri(DCTERMS + "title")
    publisher = iri(DCTERMS + "publisher")
    identifier = iri(DCTERMS + "identifier")
    comment = iri(RDFS + "comment")

    part_of = iri(TP + "partOf")
    supports = iri(TP + "supports")
    lead = iri(TP + "leadAgency")
    co_responsible = iri(TP + "coResponsibleAgency")
    prepared_by = iri(TP + "preparedBy")
    has_indicator = iri(TP + "hasIndicator")
    has_target = iri(TP + "hasTarget")
    has_observation = iri(TP + "hasObservation")
    indicator = iri(TP + "indicator")
    comparator = iri(TP + "comparator")
    unit = iri(TP + "unit")
    status = iri(TP + "status")
    value = iri(TP + "value")
    year = iri(TP + "year")
    year_be = iri(TP + "yearBE")
    start_year = iri(TP + "startYear")
    start_year_be = iri(TP + "startYearBE")
    end_year = iri(TP + "endYear")
    end_year_be = iri(TP + "endYearBE")
    quote = iri(TP + "quote")
    observation_source = iri(TP + "observationSource")
    # The monitoring terms of ontology 0.2.0 (issue 15).
    alignment = iri(TP + "alignment")
    aligned_to = iri(TP + "alignedTo")
    alignment_level = iri(TP + "alignmentLevel")
    stated = iri(TP + "stated")
    fiscal_year = iri(TP + "fiscalYear")
    amount = iri(TP + "amount")
    allocated_to = iri(TP + "allocatedTo")
    reports_on = iri(TP + "reportsOn")
    quarter = iri(TP + "quarter")
    progress_status = iri(TP + "progressStatus")
    milestone = iri(TP + "milestone")
    achieved_on = iri(TP + "achievedOn")
    assesses = iri(TP + "assesses")
    observation = iri(TP + "observation")
    reported_in = iri(TP + "reportedIn")
    has_beginning = iri(TIME + "hasBeginning")
    has_end = iri(TIME + "hasEnd")
    in_xsd_date = iri(TIME + "inXSDDate")

    Agency = iri(TP + "Agency")
    Ministry = iri(TP + "Ministry")
    Plan = iri(TP + "Plan")
    NationalStrategy = iri(TP + "NationalStrategy")
    MasterPlan = iri(TP + "MasterPlan")
    Strategy = iri(TP + "Strategy")
    Goal = iri(TP + "Goal")
    Tactic = iri(TP + "Tactic")
    Project = iri(TP + "Project")
    Indicator = iri(TP + "Indicator")
    Target = iri(TP + "Target")
    Observation = iri(TP + "Observation")
    Passage = iri(TP + "Passage")
    SourceDocument = iri(TP + "SourceDocument")
    Alignment = iri(TP + "Alignment")
    FiscalYear = iri(TP + "FiscalYear")
    BudgetAllocation = iri(TP + "BudgetAllocation")
    ProgressReport = iri(TP + "ProgressReport")
    Milestone = iri(TP + "Milestone")
    Assessment = iri(TP + "Assessment")
    Instant = iri(TIME + "Instant")
    level_master_plan_target = iri(TP + "levelMasterPlanTarget")
    level_sub_plan_target = iri(TP + "levelSubPlanTarget")
    on_schedule = iri(TP + "progressOnSchedule")
    behind_schedule = iri(TP + "progressBehindSchedule")
    completed = iri(TP + "progressCompleted")
    in_progress = iri(TP + "progressInProgress")
    true = f'"true"^^<{XSD}boolean>'

    atLeast = iri(TP + "atLeast")
    atMost = iri(TP + "atMost")
    topRank = iri(TP + "topRank")
    exactly = iri(TP + "exactly")
    achieved = iri(TP + "statusAchieved")
    near = iri(TP + "statusNearTarget")
    at_risk = iri(TP + "statusAtRisk")
    critical = iri(TP + "statusCritical")
    percent = iri(TP + "unitPercent")
    score = iri(TP + "unitScore")
    rank = iri(TP + "unitRank")
    count = iri(TP + "unitCount")
    baht = iri(TP + "unitBaht")


def xsd_date(text: str) -> str:
    """An xsd:date literal (YYYY-MM-DD)."""
    return f'"{text}"^^<{XSD}date>'
