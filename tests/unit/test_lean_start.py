"""A web worker starts without the libraries only some requests need (memory per process)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# openpyxl: reading uploads and building the bank/people templates (≈ 20 MB a process);
# fpdf: the ceremony PDFs and certificates.
DEFERRED = ("openpyxl", "fpdf")


def test_the_app_starts_without_loading_openpyxl_or_fpdf(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from quizapp import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite3'}})\n"
        "import quizapp.services.exports, quizapp.services.people_admin\n"
        f"print(sorted(m for m in {DEFERRED!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
