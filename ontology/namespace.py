"""The project's vocabulary in one module: the namespaces, the graph IRIs and the one prefix map.

`TP` is an rdflib DefinedNamespace of every term of ontology/thaiplan.ttl, nothing else: `TP.Goal` works,
`TP.Gaol` raises AttributeError (tests/test_ontology_namespace.py fails when this list and the Turtle drift
apart, and prints the lines to add or remove). Beside it: the instance base `ID` (served at `/id/…`), the
derived index's `TPI`, the shapes' `TPSH`, the named graphs the build writes, and `PREFIXES`, the prefix map
every table, Turtle answer, editor and page uses (issue 14: the IRIs were spelled in a dozen modules).
Plain strings (`TP_NS`, `ID_BASE`, `*_GRAPH`) serve the pyoxigraph code, which takes `str`.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

BASE = "https://w3id.org/thaiplan/"
ONTOLOGY_IRI = BASE + "ontology"
TP_NS = ONTOLOGY_IRI + "#"
# Instance IRIs (the public contract: served at /id/…); a deployment may mint under another base
# (`THAIPLAN_BASE_IRI`), so code that links or shortens takes the configured one.
ID_BASE = BASE + "id/"
ID = Namespace(ID_BASE)
SOURCE_BASE = ID_BASE + "source/"
# The derived index of the build (search keys, trace depths): apart from tp: so it can be dropped at will.
TPI_NS = BASE + "index#"
TPI = Namespace(TPI_NS)
TPSH_NS = BASE + "shapes#"
TPSH = Namespace(TPSH_NS)
DATASET_IRI = BASE + "dataset"
SHAPES_IRI = BASE + "shapes"

# Named graphs: one per source document under GRAPH_BASE (`…/graph/<file stem>`), and these.
GRAPH_BASE = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
SOURCES_GRAPH = GRAPH_BASE + "sources"
AGENCIES_GRAPH = GRAPH_BASE + "agencies"
INFERRED_GRAPH = GRAPH_BASE + "inferred"
IMPORT_GRAPH_BASE = GRAPH_BASE + "import-"
SYNTH_GRAPH = GRAPH_BASE + "synth"
SEARCH_INDEX_GRAPH = GRAPH_BASE + "search-index"
TRACE_INDEX_GRAPH = GRAPH_BASE + "trace-index"
INDEX_GRAPHS = (SEARCH_INDEX_GRAPH, TRACE_INDEX_GRAPH)

class TP(DefinedNamespace):
    """The thaiplan ontology, https://w3id.org/thaiplan/ontology#."""

    _NS = Namespace(TP_NS)
    _fail = True

    # Classes
    Agency: URIRef
    AgencyGroup: URIRef
    Alignment: URIRef
    Assessment: URIRef
    Benefit: URIRef
    BudgetAllocation: URIRef
    Challenge: URIRef
    Commission: URIRef
    Decision: URIRef
    DesiredOutcome: URIRef
    DevelopmentPlanMilestone: URIRef
    DevelopmentStrategy: URIRef
    FiscalYear: URIRef
    FlagshipProject: URIRef
    Goal: URIRef
    Guideline: URIRef
    Indicator: URIRef
    Law: URIRef
    LegislativeMeasure: URIRef
    MasterPlan: URIRef
    Milestone: URIRef
    Ministry: URIRef
    NationalDevelopmentPlan: URIRef
    NationalStrategy: URIRef
    Observation: URIRef
    Passage: URIRef
    Plan: URIRef
    PlanComponent: URIRef
    PlanEdition: URIRef
    ProgressReport: URIRef
    Project: URIRef
    Recommendation: URIRef
    ReformActivity: URIRef
    ReformPlan: URIRef
    ReformTopic: URIRef
    SecurityPolicy: URIRef
    Series: URIRef
    SourceDocument: URIRef
    Strategy: URIRef
    Tactic: URIRef
    Target: URIRef
    Vision: URIRef

    # Object properties
    addresses: URIRef
    alignedTo: URIRef
    alignment: URIRef
    alignmentLevel: URIRef
    allocatedTo: URIRef
    approves: URIRef
    assesses: URIRef
    coResponsibleAgency: URIRef
    comparator: URIRef
    concernsLaw: URIRef
    decisionBody: URIRef
    editionOf: URIRef
    evidenceFor: URIRef
    fiscalYear: URIRef
    hasIndicator: URIRef
    hasObservation: URIRef
    hasPart: URIRef
    hasTarget: URIRef
    indicator: URIRef
    leadAgency: URIRef
    milestone: URIRef
    observation: URIRef
    observationSource: URIRef
    partOf: URIRef
    partOfTransitive: URIRef
    preparedBy: URIRef
    progressStatus: URIRef
    reportedIn: URIRef
    reportsOn: URIRef
    responsibleAgency: URIRef
    series: URIRef
    status: URIRef
    succeeds: URIRef
    supportedBy: URIRef
    supports: URIRef
    supportsTransitive: URIRef
    unit: URIRef

    # Datatype properties
    achievedOn: URIRef
    amount: URIRef
    deadline: URIRef
    endOffset: URIRef
    endYear: URIRef
    endYearBE: URIRef
    essence: URIRef
    inferred: URIRef
    meetingNumber: URIRef
    quarter: URIRef
    quote: URIRef
    startOffset: URIRef
    startYear: URIRef
    startYearBE: URIRef
    stated: URIRef
    statusNote: URIRef
    value: URIRef
    valueText: URIRef
    year: URIRef
    yearBE: URIRef

    # Datatypes
    DesiredOutcomeCode: URIRef
    ReformActivityCode: URIRef

    # Concept schemes
    AlignmentLevelScheme: URIRef
    ComparatorScheme: URIRef
    ProgressStatusScheme: URIRef
    StatusScheme: URIRef
    UnitScheme: URIRef

    # Concepts
    atLeast: URIRef
    atMost: URIRef
    exactly: URIRef
    levelDevelopmentStrategy: URIRef
    levelGovernmentPolicy: URIRef
    levelInternational: URIRef
    levelMasterPlanTarget: URIRef
    levelMinistryStrategy: URIRef
    levelNationalStrategy: URIRef
    levelNesdpMilestone: URIRef
    levelReformPlan: URIRef
    levelSdgTarget: URIRef
    levelSecurityPolicy: URIRef
    levelSubPlanTarget: URIRef
    planLevel1: URIRef
    planLevel2: URIRef
    planLevel3: URIRef
    progressBehindSchedule: URIRef
    progressCompleted: URIRef
    progressInProgress: URIRef
    progressOnSchedule: URIRef
    statusAchieved: URIRef
    statusAtRisk: URIRef
    statusCritical: URIRef
    statusNearTarget: URIRef
    topRank: URIRef
    unitBaht: URIRef
    unitCount: URIRef
    unitPercent: URIRef
    unitRank: URIRef
    unitScore: URIRef

    # Other individuals
    BuddhistEra: URIRef


# The one prefix map: the ontology's own `@prefix` lines (tests/test_layout_issue14.py keeps them in step),
# the instance base, the graphs and the index, and the vocabularies of the dataset's descriptions; `shorten`
# takes the longest namespace that holds an IRI.
PREFIXES: dict[str, str] = {
    "tp": TP_NS,
    "id": ID_BASE,
    "tpg": GRAPH_BASE,
    "tpi": TPI_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "vann": "http://purl.org/vocab/vann/",
    "cpov": "http://data.europa.eu/m8g/",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "fibo-fnd-gao-obj": "https://spec.edmcouncil.org/fibo/ontology/FND/GoalsAndObjectives/Objectives/",
    "unit": "http://qudt.org/vocab/unit/",
    "schema": "https://schema.org/",
    # What the dataset's own descriptions use (VoID/DCAT at /.well-known/void, the service description).
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
}


def prefixes(base_iri: str = ID_BASE) -> dict[str, str]:
    """The prefix map with `id:` naming the configured instance base (`THAIPLAN_BASE_IRI`)."""
    return {**PREFIXES, "id": base_iri}


def shorten(iri: str, base_iri: str = ID_BASE) -> str | None:
    """`prefix:local` for an IRI under a namespace of the map (the longest that holds it), else None."""
    best = None
    for prefix, ns in prefixes(base_iri).items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return None if best is None else f"{best[0]}:{iri[len(best[1]) :]}"
