"""Ward and organisation liaisons (cán bộ phụ trách phường, đơn vị): turnout, their own
participants (masked), exports and assisted registration — nothing outside their scope.

The scope comes from the signed-in account, never from the URL: there is no address for
another ward's data, and a person or round outside the scope is "not found".
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice

from .. import ratelimits
from ..auth import staff_required, staff_user
from ..clock import now
from ..database import writes_on_get
from ..domain.formatting import format_datetime
from ..domain.people import GROUP_LABELS, mask_phone
from ..domain.results import Stamp, provisional_mark
from ..formats import csv as csv_export
from ..formats import xlsx
from ..formats.rows import SCOPE_ROUND_COLUMNS, Column, entry_cells, scope_round_rows
from ..models import Participant
from ..services import liaison, people_admin, registry_queries
from ..services.errors import NotFound
from .console_people import AssistedRegistrationForm
from .helpers import no_store
from .unit_of_work import Refused, commit, perform

bp = Blueprint("liaison", __name__, url_prefix="/lien-lac")
bp.after_request(no_store)  # names of real people: never kept by a browser or shared cache

EXPORT_COLUMNS = (
    Column("STT", 6),
    Column("Họ và tên", 28),
    Column("Số điện thoại (đã che)", 16),
    Column("Đối tượng", 24),
    Column("Phường", 22),
    Column("Cơ quan, đơn vị", 32),
    Column("Đăng ký lúc", 18),
    Column("Đăng ký hộ", 10),
    Column("Số đợt đã thi", 10),
)


class LiaisonRegistrationForm(AssistedRegistrationForm):
    phone_of_helper = BooleanField(
        "Người dự thi không có điện thoại riêng: số trên là của người thân hoặc người giúp đỡ."
    )


def _scope() -> liaison.Scope:
    return liaison.scope_of(staff_user())


@bp.get("/")
@staff_required("liaison")
def index():
    scope = _scope()
    return render_template("liaison/index.html", scope=scope, rows=liaison.turnout(scope))


def _round_results(scope: liaison.Scope, round_id: int) -> liaison.RoundResults:
    try:
        return liaison.round_results(scope, round_id, now())
    except NotFound:
        abort(404)


@bp.get("/dot-thi/<int:round_id>")
@staff_required("liaison")
def round_turnout(round_id: int):
    """The scope's people in the round; scores, times and ranks as the disclosure rule allows
    a liaison at this moment."""
    scope = _scope()
    found = _round_results(scope, round_id)
    rows = [(e, entry_cells(e.ranked, found.shows)) for e in found.entries]
    return render_template(
        "liaison/round.html",
        scope=scope,
        turnout=found.turnout,
        rows=rows,
        shows=found.shows,
        mask=mask_phone,
    )


@bp.get("/dot-thi/<int:round_id>/ket-qua.<any('xlsx', 'csv'):fmt>")
@staff_required("liaison")
@writes_on_get  # the export is audit-logged
def round_export(round_id: int, fmt: str):
    """The scope's people in one round, masked; scores, times and ranks only as the rule
    allows a liaison now, and marked provisional until the result is final."""
    scope = _scope()
    found = _round_results(scope, round_id)
    lines = (e.line() for e in found.entries)
    rows, mark = list(scope_round_rows(lines, found.shows)), provisional_mark(found.shows.final)
    out = io.BytesIO()
    if fmt == "xlsx":
        xlsx.write_table(out, "Người dự thi", SCOPE_ROUND_COLUMNS, rows, mark)
        mimetype = xlsx.MIMETYPE
    else:
        csv_export.write_table(out, SCOPE_ROUND_COLUMNS, rows, mark)
        mimetype = csv_export.MIMETYPE
    liaison.record_export(staff_user(), scope, fmt, len(rows), found.turnout.round)
    commit()
    out.seek(0)
    name = f"dot-thi-{round_id}-nguoi-du-thi.{fmt}"
    name = Stamp().filename(name) if mark else name
    return send_file(out, mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/nguoi-du-thi")
@ratelimits.liaison_search
@staff_required("liaison")
def people():
    scope = _scope()
    q = (request.args.get("q") or "").strip()[:100]
    page = max(request.args.get("trang", 1, type=int), 1)
    return render_template(
        "liaison/people.html",
        scope=scope,
        found=liaison.people(scope, q, page),
        q=q,
        groups=GROUP_LABELS,
        mask=mask_phone,
    )


@bp.get("/nguoi-du-thi/<int:person_id>")
@staff_required("liaison")
def person(person_id: int):
    scope = _scope()
    try:
        found = liaison.person(scope, person_id)
    except NotFound:
        abort(404)
    return render_template(
        "liaison/person.html",
        scope=scope,
        person=found,
        attempts=people_admin.attempts_of(found.id),
        groups=GROUP_LABELS,
        mask=mask_phone,
    )


def _rows(people: list[Participant], rounds_taken: dict[int, int]):
    for n, p in enumerate(people, start=1):
        yield [
            n,
            p.full_name,
            mask_phone(p.phone),
            GROUP_LABELS.get(p.grp, p.grp),
            p.ward.name,
            p.organisation.name if p.organisation else None,
            format_datetime(p.created_at),
            "Có" if p.registered_by_id else "Không",
            rounds_taken.get(p.id, 0),
        ]


@bp.get("/nguoi-du-thi.<any('xlsx', 'csv'):fmt>")
@staff_required("liaison")
@writes_on_get  # the export is audit-logged
def export(fmt: str):
    """The scope's participants, masked like a public list; the export is audit-logged."""
    scope = _scope()
    people = liaison.all_people(scope)
    rows = _rows(people, liaison.rounds_taken(scope))
    out = io.BytesIO()
    if fmt == "xlsx":
        xlsx.write_table(out, "Người dự thi", EXPORT_COLUMNS, rows)
        mimetype = xlsx.MIMETYPE
    else:
        csv_export.write_table(out, EXPORT_COLUMNS, rows)
        mimetype = csv_export.MIMETYPE
    liaison.record_export(staff_user(), scope, fmt, len(people))
    commit()
    out.seek(0)
    return send_file(
        out, mimetype=mimetype, as_attachment=True, download_name=f"nguoi-du-thi.{fmt}"
    )


def _registration_form(scope: liaison.Scope) -> LiaisonRegistrationForm:
    """The assisted registration form, its lists narrowed to the scope (the service checks
    the scope again: a hand-made request cannot register anyone outside it)."""
    form = LiaisonRegistrationForm()
    form.submit.label.text = "Đăng ký cho người dự thi"
    wards, orgs = registry_queries.wards(), registry_queries.organisations()
    if scope.kind == "ward":
        form.ward_id.choices = [SelectChoice(w.id, w.name) for w in wards if w.id == scope.id]
        form.organisation_id.choices = [
            SelectChoice(0, "— Không thuộc cơ quan, đơn vị nào —"),
            *(SelectChoice(o.id, o.name) for o in orgs if o.ward_id == scope.id),
        ]
    else:
        form.ward_id.choices = [
            SelectChoice(0, "— Chọn phường —"),
            *(SelectChoice(w.id, w.name) for w in wards),
        ]
        form.organisation_id.choices = [SelectChoice(scope.id, scope.name)]
    # Out-of-scope choices are refused by the service, with a message in Vietnamese.
    form.ward_id.validate_choice = form.organisation_id.validate_choice = False
    if not form.is_submitted():
        form.ward_id.data = scope.ward_id
        form.organisation_id.data = scope.id if scope.kind == "organisation" else 0
    return form


@bp.route("/dang-ky-ho", methods=["GET", "POST"])
@staff_required("liaison")
def register():
    scope = _scope()
    form = _registration_form(scope)
    if form.validate_on_submit():
        person = perform(
            lambda: liaison.register_person(
                staff_user(), scope, form.registration(), form.phone_of_helper.data, now()
            )
        )
        if isinstance(person, Refused):
            form.refuse(person.error)
        else:
            flash(f"Đã đăng ký cho {person.full_name} ({person.phone}).", "success")
            return redirect(url_for("liaison.person", person_id=person.id))
    return render_template("liaison/register.html", scope=scope, form=form)
