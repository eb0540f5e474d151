"""Read an uploaded zip into memory with guards against zip bombs and unsafe paths."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

MAX_ENTRIES = 200
MAX_TOTAL_BYTES = 20_000_000
_CHUNK = 64 * 1024
# The end-of-central-directory record is 22 bytes plus a comment of at most 65,535 bytes.
_EOCD_SEARCH = 22 + 65_535
# Files that archivers add beside the real content (macOS resource forks, Finder and Explorer data).
_JUNK_DIRS = frozenset(("__MACOSX",))
_JUNK_FILES = frozenset((".DS_Store", "Thumbs.db", "desktop.ini"))
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


class ZipRefused(Exception):
    """The archive is refused as a whole; the message is in Vietnamese."""


def declared_entries(data: bytes) -> int | None:
    """The entry count in the end-of-central-directory record, read before zipfile parses
    the directory (a directory of millions of tiny entries is itself a memory bomb)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD_SEARCH))
    if at < 0 or at + 12 > len(data):
        return None
    return int.from_bytes(data[at + 10 : at + 12], "little")


def _safe_name(raw: str) -> str:
    """The entry's relative path with "/" separators; absolute or escaping paths are refused."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if (
        name.startswith("/")
        or "\x00" in name
        or (parts and ":" in parts[0])
        or any(part == ".." for part in parts)
    ):
        raise ZipRefused(f"đường dẫn không an toàn trong tệp zip: «{raw}»")
    return "/".join(part for part in parts if part != ".")


def _is_junk(name: str) -> bool:
    parts = name.split("/")
    return parts[0] in _JUNK_DIRS or parts[-1] in _JUNK_FILES or parts[-1].startswith("._")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The entry's bytes, counted as they are inflated: header sizes are not trusted."""
    if info.flag_bits & 0x1:
        raise ZipRefused(f"tệp «{info.filename}» trong zip được đặt mật khẩu")
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise ZipRefused("tệp zip khi giải nén quá lớn")
            chunks.append(chunk)
    return b"".join(chunks)


def _strip_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """Drop a single folder that holds every file (a zip of the bank's directory)."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return {name.split("/", 1)[1]: data for name, data in files.items()}
    return files


def _read_all(archive: zipfile.ZipFile, max_entries: int, max_total: int) -> dict[str, bytes]:
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise ZipRefused(f"tệp zip có quá nhiều mục ({len(infos)}, tối đa {max_entries})")
    files: dict[str, bytes] = {}
    total = 0
    for info in infos:
        name = _safe_name(info.filename)
        if info.is_dir() or not name or _is_junk(name):
            continue
        if name in files:
            raise ZipRefused(f"tệp «{name}» xuất hiện hai lần trong zip")
        files[name] = _read_entry(archive, info, max_total - total)
        total += len(files[name])
    return _strip_top_folder(files)


def read_zip(
    data: bytes, *, max_entries: int = MAX_ENTRIES, max_total: int = MAX_TOTAL_BYTES
) -> tuple[dict[str, bytes], list[str]]:
    """Files of the archive by relative path, or no files and the reasons it was refused."""
    if len(data) > max_total:
        return {}, [f"tệp zip quá lớn (tối đa {max_total // 1_000_000} MB)"]
    count = declared_entries(data)
    if count is not None and count > max_entries:
        return {}, [f"tệp zip có quá nhiều mục ({count}, tối đa {max_entries})"]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read_all(archive, max_entries, max_total), []
    except ZipRefused as exc:
        return {}, [str(exc)]
    except _READ_ERRORS as exc:
        return {}, [f"tệp zip bị hỏng hoặc không đọc được ({type(exc).__name__})"]
