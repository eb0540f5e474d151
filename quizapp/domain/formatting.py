"""Vietnamese presentation of dates and numbers: dd/mm/yyyy in Vietnam's time, 1.234,5."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DIFFICULTY_LABELS = {"easy": "Dễ", "medium": "Trung bình", "hard": "Khó"}


def difficulty_label(code: str | None) -> str:
    """A question's difficulty in Vietnamese (an unknown code is shown as it is)."""
    return DIFFICULTY_LABELS.get(code or "", code or "")


def local_time(moment: datetime, tz: ZoneInfo = VN_TZ) -> datetime:
    """An aware instant shown in the given zone (Vietnam by default)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps must be aware")
    return moment.astimezone(tz)


def format_datetime(moment: datetime | None, tz: ZoneInfo = VN_TZ, seconds: bool = False) -> str:
    """dd/mm/yyyy HH:MM (or HH:MM:SS) in Vietnam's time; empty for None."""
    if moment is None:
        return ""
    pattern = "%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M"
    return local_time(moment, tz).strftime(pattern)


def format_time(moment: datetime, tz: ZoneInfo = VN_TZ) -> str:
    """HH:MM on the given day, in Vietnam's time (a deadline said in a message)."""
    return local_time(moment, tz).strftime("%H:%M ngày %d/%m/%Y")


def format_date(moment: datetime | None, tz: ZoneInfo = VN_TZ) -> str:
    """dd/mm/yyyy in Vietnam's time; empty for None."""
    return "" if moment is None else local_time(moment, tz).strftime("%d/%m/%Y")


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """Vietnamese digit grouping: 1.234.567 and 1.234,5."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_bytes(size: int | None) -> str:
    """A file size as a person reads it: 950 byte, 12,4 kB, 7,3 MB (decimal units)."""
    if size is None:
        return ""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{format_number(size / scale, 1)} {unit}"
    return f"{format_number(size)} byte"


def format_time_left(seconds: float) -> str:
    """How long a round stays open, in the two largest units: "3 ngày 4 giờ", "2 giờ 5 phút",
    "12 phút", "dưới 1 phút"; whole units only, rounded down (never promise more time)."""
    whole = int(seconds)
    if whole < 60:
        return "dưới 1 phút"
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [(days, "ngày"), (hours, "giờ"), (minutes, "phút")]
    first = next(i for i, (n, _) in enumerate(parts) if n)
    shown = [f"{n} {unit}" for n, unit in parts[first : first + 2] if n]
    return " ".join(shown)


def parse_local(text: str, tz: ZoneInfo = VN_TZ) -> datetime:
    """dd/mm/yyyy HH:MM (or ISO yyyy-mm-ddTHH:MM) in Vietnam's time, as an aware instant."""
    value = text.strip()
    for pattern in (
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"thời điểm không hợp lệ: «{text}» (dạng dd/mm/yyyy HH:MM)")
