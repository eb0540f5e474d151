"""Legal citations of the bank ("khoản 2 Điều 24", "Điều 50 Nghị định 152/2025/NĐ-CP"):
what they cite, whether they name an article, and whether they touch a given article or document.

A question's `source` is read as segments separated by ";". Each article ("Điều N", a range
"Điều 94 – Điều 96") belongs to the document named next to it in its segment (the first one
after it, else the last one before it); an article with no document named is an article of the
Law on Emulation and Commendation, 06/2022/QH15, the bank's main document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LAW = "06/2022/QH15"
MAX_RANGE = 200

# "152/2025/NĐ-CP", "06/2022/QH15", "34-CT/TW", "500/QĐ-TTg", "58-SL", "3954/KH-UBND".
_DOCUMENT = re.compile(r"(?<![\w/])(\d+)((?:/\d{4})?[/-][A-ZĐ][A-Za-zĐđ0-9]*(?:[/-][A-ZĐ][\w]*)*)")
# A bare "152/2025" names a document only in a query (in a source it may be part of a date).
_BARE_NUMBER = re.compile(r"(?<![\w/])(\d+)/(\d{4})(?![\w/])")
# The Law named in words rather than by number.
_LAW_NAMED = re.compile(r"luật\s+thi\s+đua,?\s+khen\s+thưởng|luật\s+tđkt", re.IGNORECASE)
_ARTICLE = re.compile(
    r"điều\s+(\d+)(?:\s*(?:–|—|-|đến)\s*(?:điều\s+)?(\d+))?(?![\d/])", re.IGNORECASE
)
_CLAUSES = re.compile(r"khoản\s+(\d+(?:\s*(?:,|và|hoặc)\s*(?:khoản\s+)?\d+)*)", re.IGNORECASE)
# Clauses written before their article: "khoản 2 Điều 24", "điểm b khoản 3 Điều 46".
_LEADING_CLAUSES = re.compile(
    r"(?:điểm\s+\w\s+)?khoản\s+\d+(?:\s*(?:,|và|hoặc)\s*(?:khoản\s+)?\d+)*\s*(?:của\s+)?$",
    re.IGNORECASE,
)
# A part of a plan or a directive: "Mục II", "mục II.2", "Mục IV", and its unnumbered parts
# ("phần căn cứ", "phần mở đầu", "phần nơi nhận"). A "Mục 2" of the Law is a section of a
# chapter, not a place as precise as an article.
_PART = re.compile(r"\b[Mm]ục\s+[IVX]+\b|\b[Pp]hần\s+(?:căn cứ|mở đầu|nơi nhận)\b")


@dataclass(frozen=True)
class Cited:
    """One article (or a whole document when `article` is None) a citation names."""

    document: str
    article: int | None = None
    clauses: frozenset[int] = frozenset()  # empty: the whole article


@dataclass(frozen=True)
class CitationQuery:
    """What an organiser asks about: an article, a document (number or prefix), or both."""

    article: int | None = None
    clause: int | None = None
    document: str | None = None

    def describe(self) -> str:
        """How the query was read: "khoản 2 Điều 24 của mọi văn bản", "văn bản số 152/2025"."""
        parts = []
        if self.clause is not None:
            parts.append(f"khoản {self.clause}")
        if self.article is not None:
            parts.append(f"Điều {self.article}")
        if self.document is not None:
            parts.append(f"{'của ' if parts else ''}văn bản số {self.document}")
        elif parts:
            parts.append("của mọi văn bản")
        return " ".join(parts)


def document_key(number: str) -> str:
    """A document number in the form used to compare: "6/2022/QH15", "152/2025/ND-CP"."""
    text = unicodedata.normalize("NFC", number).upper().replace("Đ", "D")
    return re.sub(r"^0+(?=\d)", "", re.sub(r"\s+", "", text))


def _documents(segment: str) -> list[tuple[int, str]]:
    """(position, key) of every document a segment names, the Law named in words included."""
    found = [
        (m.start(), document_key(m.group(1) + m.group(2))) for m in _DOCUMENT.finditer(segment)
    ]
    found += [(m.start(), document_key(LAW)) for m in _LAW_NAMED.finditer(segment)]
    return sorted(found)


def _clauses(text: str) -> set[int]:
    return {int(n) for m in _CLAUSES.finditer(text) for n in re.findall(r"\d+", m.group(1))}


def _owner(position: int, documents: list[tuple[int, str]]) -> str:
    after = [key for at, key in documents if at > position]
    before = [key for at, key in documents if at < position]
    return after[0] if after else before[-1] if before else document_key(LAW)


def _segment_citations(segment: str) -> list[Cited]:
    documents = _documents(segment)
    articles = list(_ARTICLE.finditer(segment))
    found: list[Cited] = []
    for index, match in enumerate(articles):
        before_start = articles[index - 1].end() if index else 0
        after_end = articles[index + 1].start() if index + 1 < len(articles) else len(segment)
        after = segment[match.end() : after_end]
        if index + 1 < len(articles):
            # Clauses written just before the next article belong to it.
            after = _LEADING_CLAUSES.sub("", after)
        leading = _LEADING_CLAUSES.search(segment[before_start : match.start()])
        clauses = frozenset(_clauses(after) | _clauses(leading.group(0) if leading else ""))
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if not first <= last <= first + MAX_RANGE:
            last = first
        owner = _owner(match.start(), documents)
        found += [
            Cited(owner, n, clauses if first == last else frozenset())
            for n in range(first, last + 1)
        ]
    cited_documents = {c.document for c in found}
    found += [Cited(key) for _, key in documents if key not in cited_documents]
    return found


def parse_citation(source: str) -> list[Cited]:
    """Every article and document a question's `source` cites."""
    text = unicodedata.normalize("NFC", source)
    found: list[Cited] = []
    for segment in text.split(";"):
        for cited in _segment_citations(segment):
            if cited not in found:
                found.append(cited)
    return found


def has_article(source: str) -> bool:
    """True when a citation names an article ("Điều N") or a part of a plan ("Mục II")."""
    text = unicodedata.normalize("NFC", source)
    return bool(_ARTICLE.search(text) or _PART.search(text))


# A query typed without a Vietnamese input method: "dieu 24", "khoan 2 dieu 24", "luat tdkt".
_PLAIN_WORDS = {"dieu": "điều", "khoan": "khoản", "diem": "điểm", "luat": "luật"}
_PLAIN = re.compile(rf"\b({'|'.join(_PLAIN_WORDS)})\b", re.IGNORECASE)


def _with_diacritics(query: str) -> str:
    return _PLAIN.sub(lambda m: _PLAIN_WORDS[m.group(1).casefold()], query)


def parse_query(text: str) -> CitationQuery | None:
    """ "Điều 24", "khoản 2 Điều 24", "152/2025/NĐ-CP", "Điều 50 Nghị định 152/2025", or None."""
    folded = _with_diacritics(unicodedata.normalize("NFC", text).strip())
    article = _ARTICLE.search(folded)
    document = _DOCUMENT.search(folded) or _BARE_NUMBER.search(folded)
    if document is None and _LAW_NAMED.search(folded):
        key: str | None = document_key(LAW)
    elif document is None:
        key = None
    elif document.re is _BARE_NUMBER:
        key = document_key(f"{document.group(1)}/{document.group(2)}")
    else:
        key = document_key(document.group(1) + document.group(2))
    if article is None and key is None:
        return None
    clauses = _clauses(folded[: article.start()] if article else "") if article else set()
    clauses |= _clauses(folded[article.end() :]) if article else set()
    return CitationQuery(
        article=int(article.group(1)) if article else None,
        clause=min(clauses) if clauses else None,
        document=key,
    )


def _same_document(cited: str, asked: str) -> bool:
    """ "152/2025" asks for every document numbered 152/2025, whatever its kind."""
    return cited == asked or cited.startswith(asked + "/") or cited.startswith(asked + "-")


def touches(source: str, query: CitationQuery) -> bool:
    """True when the citation names the asked article (of the asked document, when given).

    "Điều 24" does not touch "Điều 241"; "khoản 2 Điều 24" and "Điều 24" (the whole article)
    touch a question about khoản 2 of Điều 24, "Điều 24 khoản 1" does not.
    """
    for cited in parse_citation(source):
        if query.document is not None and not _same_document(cited.document, query.document):
            continue
        if query.article is None:
            return True
        if cited.article != query.article:
            continue
        if query.clause is None or not cited.clauses or query.clause in cited.clauses:
            return True
    return False
