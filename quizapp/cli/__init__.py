"""flask commands for what organisers script; each command commits once, at its end."""

from __future__ import annotations

from flask import Flask

from . import accounts, bank, contest, demo, exports, privacy, results, rounds


def init_app(app: Flask) -> None:
    for module in (accounts, bank, contest, rounds, privacy, demo, results, exports):
        for group in module.COMMANDS:
            app.cli.add_command(group)
