"""Shared helpers of the flask commands."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from ..extensions import db


def fail(lines: list[str]) -> NoReturn:
    """Print every problem to stderr and exit non-zero; nothing has been committed."""
    db.session.rollback()
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)
