"""The fixed vocabularies of docs/domain.md: roles, agencies, event types, ratings and the rest."""

from enum import StrEnum


class Lifecycle(StrEnum):
    """Whether a record version stands, or takes the record back without deleting it."""

    CURRENT = "current"
    WITHDRAWN = "withdrawn"
    ENTERED_IN_ERROR = "entered_in_error"


class Role(StrEnum):
    """What a practitioner does, which decides what they may create and read."""

    HEALTH_VISITOR = "health_visitor"
    SCHOOL_NURSE = "school_nurse"
    SOCIAL_WORKER = "social_worker"
    PARTNER_CONTRIBUTOR = "partner_contributor"
    SUPERVISOR = "supervisor"
    CP_CHAIR = "cp_chair"
    IG_OFFICER = "ig_officer"
    SYS_ADMIN = "sys_admin"


class Agency(StrEnum):
    """The agency an entry or a practitioner belongs to
    (docs/domain.md, Chronology entry: source_agency)."""

    CSC = "CSC"
    HEALTH_VISITING = "health_visiting"
    MIDWIFERY = "midwifery"
    SCHOOL_NURSING = "school_nursing"
    GP = "GP"
    ACUTE = "acute"
    CAMHS = "CAMHS"
    EARLY_YEARS = "early_years"
    SCHOOL = "school"
    POLICE = "police"
    HOUSING = "housing"
    PROBATION = "probation"
    ADULT_MH = "adult_MH"
    SUBSTANCE_SERVICE = "substance_service"
    DA_SERVICE = "DA_service"
    VOLUNTARY = "voluntary"
    FAMILY = "family"


class InformationSource(StrEnum):
    """Where the information in a chronology entry came from."""

    DIRECT_OBSERVATION = "direct_observation"
    CHILD_ACCOUNT = "child_account"
    PARENT_ACCOUNT = "parent_account"
    OTHER_FAMILY = "other_family"
    PROFESSIONAL_REPORT = "professional_report"
    ANONYMOUS = "anonymous"
    DOCUMENT = "document"


class EventType(StrEnum):
    """What kind of event a chronology entry records."""

    PREGNANCY = "pregnancy"
    BIRTH = "birth"
    HOUSEHOLD_CHANGE = "household_change"
    ADDRESS_MOVE = "address_move"
    REFERRAL = "referral"
    STRATEGY_DISCUSSION = "strategy_discussion"
    S47_OUTCOME = "s47_outcome"
    CONFERENCE = "conference"
    CORE_GROUP = "core_group"
    PLAN_CHANGE = "plan_change"
    HOME_VISIT = "home_visit"
    NO_ACCESS = "no_access"
    CHILD_NOT_SEEN = "child_not_seen"
    WAS_NOT_BROUGHT = "was_not_brought"
    INJURY = "injury"
    ED_ATTENDANCE = "ed_attendance"
    POLICE_INCIDENT = "police_incident"
    DA_INCIDENT = "DA_incident"
    ALLEGATION = "allegation"
    SCHOOL_ABSENCE_EXCLUSION = "school_absence_exclusion"
    DEVELOPMENTAL_CONCERN = "developmental_concern"
    POSITIVE_MILESTONE = "positive_milestone"
    SERVICE_START = "service_start"
    SERVICE_END = "service_end"
    ESCALATION = "escalation"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    OTHER = "other"


class Significance(StrEnum):
    """How much an event matters for the child, from positive to serious."""

    POSITIVE = "positive"
    CONTEXTUAL = "contextual"
    SIGNIFICANT = "significant"
    SERIOUS = "serious"


class DatePrecision(StrEnum):
    """How exactly the event time is known."""

    EXACT = "exact"
    DATE_ONLY = "date_only"
    APPROX = "approx"


class ChildStatus(StrEnum):
    """The child's level of statutory involvement."""

    UNIVERSAL = "universal"
    EARLY_HELP = "early_help"
    CIN = "CIN"
    CP = "CP"
    LAC = "LAC"


class CPCategory(StrEnum):
    """Child protection plan categories (Working Together)."""

    NEGLECT = "neglect"
    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    SEXUAL = "sexual"


class ThinkFamilyFlag(StrEnum):
    """Adult factors that affect the whole family."""

    DA = "DA"
    SUBSTANCE = "substance"
    ADULT_MH = "adult_MH"
    LD = "LD"
    HOUSING = "housing"
    FINANCIAL = "financial"
    OFFENDING = "offending"


class VisitType(StrEnum):
    """Why a visit happened (docs/domain.md, Visit)."""

    STATUTORY_CP = "statutory_CP"
    CIN = "CIN"
    HCP_ANTENATAL = "HCP_antenatal"
    HCP_NEW_BIRTH = "HCP_new_birth"
    HCP_6_8WK = "HCP_6_8wk"
    HCP_1YR = "HCP_1yr"
    HCP_2YR = "HCP_2yr"
    TARGETED = "targeted"
    UNANNOUNCED = "unannounced"
    JOINT = "joint"
    NO_ACCESS = "no_access"


class VisitAccess(StrEnum):
    """Whether the practitioner got in: an attempted visit is still a visit on the record."""

    GAINED = "gained"
    NO_ANSWER = "no_answer"
    REFUSED_ENTRY = "refused_entry"


class AccessAttempt(StrEnum):
    """What was tried when nobody answered or entry was refused."""

    KNOCKED = "knocked"
    PHONED = "phoned"
    CARD_LEFT = "card_left"
    NEIGHBOURS_ASKED = "neighbours_asked"


class ChildSighting(StrEnum):
    """On a visit without access: whether the child was glimpsed at all."""

    THROUGH_WINDOW = "through_window"
    NOT_SEEN = "not_seen"


class NotSeenAloneReason(StrEnum):
    """Why a child was not seen alone on a visit."""

    PRE_VERBAL = "pre_verbal"
    CHILD_DECLINED = "child_declined"
    PARENT_REFUSED = "parent_refused"
    CHILD_ASLEEP = "child_asleep"
    CHILD_ABSENT = "child_absent"
    OTHER = "other"


class Relationship(StrEnum):
    """How a significant adult relates to the child."""

    BIRTH_FATHER = "birth_father"
    MOTHER = "mother"
    STEP_PARENT = "step_parent"
    MOTHER_PARTNER = "mother_partner"
    FATHER_PARTNER = "father_partner"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    LODGER = "lodger"
    FREQUENT_VISITOR = "frequent_visitor"
    UNKNOWN_MALE = "unknown_male"
    OTHER = "other"


class ParentalResponsibility(StrEnum):
    """Whether an adult holds parental responsibility."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class PRBasis(StrEnum):
    """What parental responsibility rests on."""

    BIRTH_REG = "birth_reg"
    MARRIAGE = "marriage"
    ORDER = "order"
    OTHER = "other"


class Residency(StrEnum):
    """Where a significant adult lives relative to the child."""

    RESIDENT = "resident"
    NON_RESIDENT = "non_resident"
    PART_TIME = "part_time"
    FREQUENT_VISITOR = "frequent_visitor"
    UNKNOWN = "unknown"


class ChecklistRating(StrEnum):
    """The four ratings of the neglect checklist: deliberately not 1-5 (not GCP2)."""

    MEETS_NEEDS = "meets_needs"
    SOME_CONCERN = "some_concern"
    SIGNIFICANT_CONCERN = "significant_concern"
    NOT_OBSERVED = "not_observed"


class NeglectType(StrEnum):
    """Types of neglect an entry can evidence."""

    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    ENVIRONMENTAL = "environmental"
    SUPERVISORY = "supervisory"
    MEDICAL_DENTAL = "medical_dental"
    NUTRITIONAL = "nutritional"
    EDUCATIONAL = "educational"


class PlanCompliance(StrEnum):
    """How far an entry shows the child protection plan being followed
    (docs/domain.md, Chronology entry)."""

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "n/a"


class PlanStatus(StrEnum):
    """Whether a child protection plan is in force."""

    ACTIVE = "active"
    ENDED = "ended"


class MeetingType(StrEnum):
    """Meeting types of docs/domain.md (Meetings)."""

    STRATEGY = "strategy"
    ICPC = "ICPC"
    RCPC = "RCPC"
    CORE_GROUP = "core_group"
    CIN_REVIEW = "CIN_review"
    TAF = "TAF"
    PROFESSIONALS_ONLY = "professionals_only"
    TRANSFER_IN = "transfer_in"
    DISCHARGE = "discharge"


class ProfessionalsOnlyReason(StrEnum):
    """Why a meeting may go ahead without the family (Child Q finding 5, rule V5)."""

    INFO_CANNOT_BE_SHARED_SAFELY = "info_cannot_be_shared_with_family_safely"
    POLICE_INVESTIGATION = "police_investigation"
    INTERAGENCY_DISAGREEMENT = "interagency_disagreement"
    DRIFT_REVIEW = "drift_review"
    DISGUISED_COMPLIANCE_CONCERN = "disguised_compliance_concern"


class Attendance(StrEnum):
    """Whether an invitee came to a meeting."""

    ATTENDED = "attended"
    SENT_APOLOGIES = "sent_apologies"
    DID_NOT_ATTEND = "did_not_attend"
    NOT_KNOWN = "not_known"


class DecisionOption(StrEnum):
    """What a practitioner may decide after a serious entry (docs/domain.md, Decisions)."""

    REQUEST_STRATEGY_DISCUSSION = "request_strategy_discussion"
    REFER_TO_CSC = "refer_to_csc"
    VISIT_WITHIN_24H = "visit_within_24h"
    CONVENE_CORE_GROUP = "convene_core_group"
    ESCALATE = "escalate"
    NO_ACTION = "no_action"


class YesNoNotApplicable(StrEnum):
    """A yes / no question that may not apply (housing provider informed, docs/domain.md,
    Transfer)."""

    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "n/a"
