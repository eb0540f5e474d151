"""flask contest / publication commands: a new contest, and checking a published file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..domain.publication import digest as sha256
from ..extensions import db
from ..services import rounds
from .common import fail

contest_cli = AppGroup("contest", help="Cuộc thi.")
publication_cli = AppGroup("publication", help="Kết quả đã công bố.")
COMMANDS = [contest_cli, publication_cli]


@contest_cli.command("create")
@click.argument("slug")
@click.argument("title")
def contest_create(slug: str, title: str) -> None:
    """Create a contest with a short SLUG and a TITLE."""
    contest = rounds.create_contest(None, slug, title)
    db.session.commit()
    click.echo(f"Đã tạo cuộc thi #{contest.id} «{contest.title}».")


@publication_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("digest")
def publication_verify(path: Path, digest: str) -> None:
    """Check a downloaded ranking data FILE against a published SHA-256 DIGEST."""
    actual = sha256(path.read_bytes())
    if actual != digest.strip().lower():
        fail([f"{path}: KHÔNG khớp. Mã của tệp: {actual}"])
    click.echo(f"{path}: khớp với mã đã công bố ({actual}).")
