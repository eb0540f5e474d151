"""bank: documents register and law watch, question basis/check record, review and public-key
marks, the round setting for public keys, and the topic nghi-dinh-98 renamed nghi-dinh-152

Revision ID: b4a7d22e0c15
Revises: c0a5e1e0f1a1
Create Date: 2026-12-07 19:20:00

"""

from alembic import op
import sqlalchemy as sa

import quizapp.models.types


# revision identifiers, used by Alembic.
revision = "b4a7d22e0c15"
down_revision = "c0a5e1e0f1a1"
branch_labels = None
depends_on = None

OLD_TOPIC, NEW_TOPIC = "nghi-dinh-98", "nghi-dinh-152"
NEW_TOPIC_NAME = "Nghị định 152/2025/NĐ-CP quy định chi tiết Luật (thay thế Nghị định 98/2023/NĐ-CP từ 01/7/2025)"


def _rename_topic(old, new, name):
    """Move questions' versions and rounds' quotas from topic `old` to `new` (created when
    missing), then drop `old`. Versions keep their content otherwise: the topic is a label."""
    bind = op.get_bind()
    topics = sa.table(
        "topics",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("chapter", sa.String),
    )
    if bind.execute(sa.select(topics.c.id).where(topics.c.id == old)).first() is None:
        return
    if bind.execute(sa.select(topics.c.id).where(topics.c.id == new)).first() is None:
        bind.execute(topics.insert().values(id=new, name=name, chapter=None))
    for table in ("question_versions", "round_quotas"):
        t = sa.table(table, sa.column("topic_id", sa.String))
        bind.execute(t.update().where(t.c.topic_id == old).values(topic_id=new))
    bind.execute(topics.delete().where(topics.c.id == old))


def upgrade():
    op.create_table(
        "legal_documents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("signed", sa.Date(), nullable=True),
        sa.Column("in_force_from", sa.Date(), nullable=True),
        sa.Column("in_force_until", sa.Date(), nullable=True),
        sa.Column("replaces", sa.JSON(), nullable=False),
        sa.Column("amended_by", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("text_read", sa.String(length=500), nullable=True),
        sa.Column("checked", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('in_force', 'expired', 'reported')",
            name=op.f("ck_legal_documents_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_documents")),
    )
    op.create_table(
        "law_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("amends_id", sa.String(length=64), nullable=False),
        sa.Column("articles", sa.JSON(), nullable=False),
        sa.Column("in_force_from", sa.Date(), nullable=False),
        sa.Column("confidence", sa.String(length=12), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "confidence IN ('reported', 'verified')", name=op.f("ck_law_changes_confidence_known")
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["legal_documents.id"],
            name=op.f("fk_law_changes_amends_id_legal_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["legal_documents.id"],
            name=op.f("fk_law_changes_document_id_legal_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_changes")),
        sa.UniqueConstraint("document_id", "amends_id", name=op.f("uq_law_changes_document_id_amends_id")),
    )
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("historical", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("checked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("checked_url", sa.String(length=500), nullable=True))
    versions = sa.table("question_versions", sa.column("basis", sa.JSON))
    op.get_bind().execute(versions.update().values(basis=[]))
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.alter_column("basis", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_public_at", quizapp.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("key_public_note", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("review_change_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("review_since", quizapp.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("review_cleared", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_questions_review_change_id_law_changes"),
            "law_changes",
            ["review_change_id"],
            ["id"],
        )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allow_public_keys", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _rename_topic(OLD_TOPIC, NEW_TOPIC, NEW_TOPIC_NAME)


def downgrade():
    # The topic keeps its new code: the bank files of every later version name it so.
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("allow_public_keys")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_questions_review_change_id_law_changes"), type_="foreignkey"
        )
        batch_op.drop_column("review_cleared")
        batch_op.drop_column("review_since")
        batch_op.drop_column("review_change_id")
        batch_op.drop_column("key_public_note")
        batch_op.drop_column("key_public_at")
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.drop_column("checked_url")
        batch_op.drop_column("checked_on")
        batch_op.drop_column("historical")
        batch_op.drop_column("basis")
    op.drop_table("law_changes")
    op.drop_table("legal_documents")
