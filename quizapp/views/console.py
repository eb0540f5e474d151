"""The organiser console (behind staff sign-in)."""

from flask import Blueprint, render_template

from ..auth import current_staff, staff_required
from ..extensions import db
from ..models import Organisation, Question, Ward

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.get("/")
@staff_required()
def index():
    counts = {
        "wards": db.session.scalar(db.select(db.func.count(Ward.id))),
        "organisations": db.session.scalar(db.select(db.func.count(Organisation.id))),
        "questions": db.session.scalar(
            db.select(db.func.count(Question.id)).where(Question.retired_at.is_(None))
        ),
    }
    return render_template("console/index.html", staff=current_staff(), counts=counts)
