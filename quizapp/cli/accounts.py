"""flask registry / staff commands: wards and organisations, staff accounts."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import clock
from ..domain.registry import parse_registry
from ..extensions import db
from ..models import STAFF_ROLES
from ..services import registry as registry_service
from ..services import staff as staff_service
from ..services.errors import ServiceError
from .common import fail

registry_cli = AppGroup("registry", help="Danh mục phường và cơ quan, đơn vị.")
staff_cli = AppGroup("staff", help="Tài khoản ban tổ chức.")

COMMANDS = [registry_cli, staff_cli]

PASSWORD_ENV = "QUIZAPP_STAFF_PASSWORD"


@registry_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def registry_load(path: Path) -> None:
    """Load (upsert) wards and organisations from a registry YAML FILE, all or nothing."""
    registry, errors = parse_registry(path.read_bytes(), str(path))
    if errors or registry is None:
        fail([*errors, f"{path}: {len(errors)} lỗi, không ghi gì vào cơ sở dữ liệu."])
    summary = registry_service.load_registry(registry, now=clock.now())
    db.session.commit()
    for line in summary.lines():
        click.echo(line)


@staff_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--name", "full_name", default="", help="Họ và tên hiển thị.")
@click.option("--ward", "ward_code", default=None, help="Mã phường (vai trò liaison).")
@click.option(
    "--organisation", "organisation_code", default=None, help="Mã cơ quan, đơn vị (liaison)."
)
def staff_create(
    username: str, role: str, full_name: str, ward_code: str | None, organisation_code: str | None
) -> None:
    """Create a staff account; the password comes from $QUIZAPP_STAFF_PASSWORD or a prompt.

    A liaison (--role liaison) sees only one ward (--ward CODE) or one organisation
    (--organisation CODE): its turnout, its participants (masked) and assisted registration.
    """
    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        "Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu"
    )
    try:
        staff = staff_service.create_staff(
            username, password, role, full_name, ward_code, organisation_code
        )
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message}"])
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {staff.username} ({staff.role}).")
