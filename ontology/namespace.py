"""The tp: namespace as an rdflib DefinedNamespace: every term of ontology/thaiplan.ttl, nothing else.

`TP.Goal` works, `TP.Gaol` raises AttributeError. tests/test_ontology_namespace.py fails when this list and
the Turtle drift apart, and prints the lines to add or remove.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class TP(DefinedNamespace):
    """The thaiplan ontology, https://w3id.org/thaiplan/ontology#."""

    _NS = Namespace("https://w3id.org/thaiplan/ontology#")
    _fail = True

    # Classes
    Agency: URIRef
    AgencyGroup: URIRef
    Benefit: URIRef
    Challenge: URIRef
    Commission: URIRef
    Decision: URIRef
    DesiredOutcome: URIRef
    DevelopmentStrategy: URIRef
    FlagshipProject: URIRef
    Goal: URIRef
    Guideline: URIRef
    Indicator: URIRef
    Law: URIRef
    MasterPlan: URIRef
    Milestone: URIRef
    Ministry: URIRef
    NationalDevelopmentPlan: URIRef
    NationalStrategy: URIRef
    Observation: URIRef
    Passage: URIRef
    Plan: URIRef
    PlanComponent: URIRef
    Project: URIRef
    Recommendation: URIRef
    ReformActivity: URIRef
    ReformPlan: URIRef
    ReformTopic: URIRef
    SecurityPolicy: URIRef
    SourceDocument: URIRef
    Strategy: URIRef
    Tactic: URIRef
    Target: URIRef
    Vision: URIRef

    # Object properties
    addresses: URIRef
    approves: URIRef
    comparator: URIRef
    coResponsibleAgency: URIRef
    decisionBody: URIRef
    hasIndicator: URIRef
    hasObservation: URIRef
    hasPart: URIRef
    hasTarget: URIRef
    indicator: URIRef
    leadAgency: URIRef
    observationSource: URIRef
    partOf: URIRef
    partOfTransitive: URIRef
    preparedBy: URIRef
    responsibleAgency: URIRef
    status: URIRef
    succeeds: URIRef
    supportedBy: URIRef
    supports: URIRef
    supportsTransitive: URIRef
    unit: URIRef

    # Datatype properties
    endYear: URIRef
    endYearBE: URIRef
    essence: URIRef
    inferred: URIRef
    meetingNumber: URIRef
    quote: URIRef
    startYear: URIRef
    startYearBE: URIRef
    statusNote: URIRef
    value: URIRef
    valueText: URIRef
    year: URIRef
    yearBE: URIRef

    # Datatypes
    DesiredOutcomeCode: URIRef
    ReformActivityCode: URIRef

    # Concept schemes
    ComparatorScheme: URIRef
    StatusScheme: URIRef
    UnitScheme: URIRef

    # Concepts
    atLeast: URIRef
    atMost: URIRef
    exactly: URIRef
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
