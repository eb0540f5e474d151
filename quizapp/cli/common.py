"""Shared helpers of the flask commands."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from ..domain.formatting import parse_local
from ..extensions import db
from ..models import Round
from ..services import rounds
from ..services.errors import ServiceError


def fail(lines: list[str]) -> NoReturn:
    """Print every problem to stderr and exit non-zero; nothing has been committed."""
    db.session.rollback()
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


class LocalTime(click.ParamType):
    """A local date and time typed as dd/mm/yyyy HH:MM."""

    name = "dd/mm/yyyy HH:MM"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        try:
            return parse_local(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def round_or_fail(round_id: int) -> Round:
    """The round with this id, or its refusal printed and a non-zero exit."""
    try:
        return rounds.get_round(round_id)
    except ServiceError as exc:
        fail([exc.message])
