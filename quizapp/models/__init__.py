"""Typed ORM models; invariants are database constraints."""

from .attempt import Answer, Attempt, AttemptQuestion, Exclusion, RoundEntry
from .bank import DIFFICULTIES, LawChange, LegalDocument, Question, QuestionVersion, Topic
from .contest import PREDICTION_KINDS, ROUND_STATUSES, Contest, Round, RoundQuota
from .exports import EXPORT_JOB_STATUSES, ExportJob
from .people import CONSOLE_ROLES, PARTICIPANT_GROUPS, STAFF_ROLES, ApiToken, Participant, StaffUser
from .records import AuditLog, PendingUpload, PrizeAdjustment, Publication
from .registry import Organisation, Ward
from .types import UTCDateTime, utcnow

__all__ = [
    "CONSOLE_ROLES",
    "DIFFICULTIES",
    "EXPORT_JOB_STATUSES",
    "PARTICIPANT_GROUPS",
    "PREDICTION_KINDS",
    "ROUND_STATUSES",
    "STAFF_ROLES",
    "Answer",
    "ApiToken",
    "Attempt",
    "AttemptQuestion",
    "AuditLog",
    "Contest",
    "Exclusion",
    "ExportJob",
    "LawChange",
    "LegalDocument",
    "Organisation",
    "Participant",
    "PendingUpload",
    "PrizeAdjustment",
    "Publication",
    "Question",
    "QuestionVersion",
    "Round",
    "RoundEntry",
    "RoundQuota",
    "StaffUser",
    "Topic",
    "UTCDateTime",
    "Ward",
    "utcnow",
]
