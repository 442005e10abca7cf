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
