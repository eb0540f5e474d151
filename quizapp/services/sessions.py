"""Ending an account's sessions: the session version every cookie session carries."""

from __future__ import annotations

from ..models import Participant, StaffUser


def end_sessions(account: Participant | StaffUser) -> None:
    """Every cookie session and remember cookie of the account stops working: they carry the
    old version, which `auth.load_user` refuses. API tokens are revoked separately."""
    account.session_version += 1
