"""The campaign's own topic (question_bank/13-…yaml): valid, cited, free of cues, imported, and
drawn by practice with the explanation that quotes the plan."""

import random
import re
from pathlib import Path

from flask import Flask

from quizapp.domain.bank import load_bank
from quizapp.domain.bank_cues import cue_report
from quizapp.domain.citations import has_article
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion
from quizapp.services import bank as bank_service
from quizapp.services import practice
from tests.conftest import FIXED_NOW, SHIPPED_BANK

TOPIC = "dien-hinh-tien-tien"


def _shipped():
    return load_bank({p.name: p.read_bytes() for p in Path(SHIPPED_BANK).glob("*.yaml")})


def test_the_topic_validates_with_25_to_30_cited_questions_and_new_ids() -> None:
    report = _shipped()
    assert report.errors == []
    assert TOPIC in {t.id for t in report.topics}
    topic = [q for q in report.questions if q.topic == TOPIC]
    assert 25 <= len(topic) <= 30
    assert all(q.where.startswith("13-dien-hinh-tien-tien.yaml:") for q in topic)
    # A block of its own, above the TDKT-0001… series the other files use (the validator
    # refuses any id used twice).
    assert all(re.fullmatch(r"TDKT-1\d{3}", q.id) for q in topic)
    assert all(has_article(q.source) for q in topic)
    for q in topic:
        # Questions on the plan quote it; the others name the document they paraphrase.
        quoted = (
            "«" in q.explanation if q.source.startswith("Kế hoạch") else "Chỉ thị" in q.explanation
        )
        assert quoted, q.id
    # The district level is gone since 01/7/2025: a stem naming the district says so.
    for q in topic:
        if "quận Gò Vấp" in q.text:
            assert re.search(r"quận Gò Vấp \(cũ\)|01/7/2025|lúc đó", q.text), q.id


def test_the_topic_gives_no_cues() -> None:
    topic = [q for q in _shipped().questions if q.topic == TOPIC]
    cues = cue_report(topic)
    assert cues.all_of_the_above_keys == []
    # Wording cues (domain.bank_checks) on at most 5 % of the topic's questions.
    assert cues.wording_ok, [str(p) for p in cues.warnings]
    letters = [q.answer for q in topic]
    assert max(letters.count(i) for i in range(4)) <= len(topic) * 0.3


def test_the_topic_imports_and_practice_draws_it(app: Flask) -> None:
    report = _shipped()
    expected = sorted(q.id for q in report.questions if q.topic == TOPIC)
    with app.app_context():
        bank_service.apply_import(report, actor=None, now=FIXED_NOW)
        practice.set_topic_practice(None, TOPIC, True, FIXED_NOW, "luyện tập chủ đề mới")
        db.session.commit()
    with app.app_context():
        imported = db.session.scalars(
            db.select(Question.external_id)
            .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .where(QuestionVersion.topic_id == TOPIC)
            .order_by(Question.external_id)
        ).all()
        assert imported == expected
        assert [t.id for t in practice.practice_topics()] == [TOPIC]
        run = practice.start_practice(TOPIC, random.Random(3))
        assert run.total == min(practice.MAX_QUESTIONS, len(expected))
        drawn = [db.session.get(QuestionVersion, vid) for vid in run.ids]
        assert {v.topic_id for v in drawn} == {TOPIC}
        shown = practice.current_question(run)
        assert "«" in shown.explanation and "Kế hoạch tuyên truyền" in shown.source
        mixed = practice.start_practice(practice.RANDOM_KEY, random.Random(4))
        assert mixed.total == practice.RANDOM_SIZE
        assert {db.session.get(QuestionVersion, vid).topic_id for vid in mixed.ids} == {TOPIC}
