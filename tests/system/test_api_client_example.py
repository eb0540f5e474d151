"""The example client in docs/ takes a round from the served document alone, as a mini-app
would from an allowed origin; from another origin it gets no CORS grant."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import TEST_PASSWORD
from tests.system.conftest import ROOT
from tests.system.support import seed

ALLOWED = "https://mini.example.vn"


def run_client(base: str, phone: str, origin: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "docs" / "api_client_example.py"), "--base", base]
    command += ["--phone", phone, "--password", TEST_PASSWORD, "--origin", origin]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_example_client_takes_a_round(
    database: str, serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed(database, participants=2, question_count=4)
    monkeypatch.setenv("QUIZAPP_CORS_ORIGINS", ALLOWED)
    server = serve(database, workers=1)
    done = run_client(server.base, seeded.phones[0], ALLOWED)
    assert done.returncode == 0, done.stderr
    assert "Kết quả: đã nộp 4 câu" in done.stdout, done.stdout  # two attempts: score later
    assert f"CORS cho {ALLOWED}: được phép" in done.stdout
    other = run_client(server.base, seeded.phones[1], "https://evil.example")
    assert other.returncode == 0, other.stderr
    assert "KHÔNG được phép (0 lệnh gọi)" in other.stdout
