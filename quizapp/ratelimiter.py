"""The rate limiter: the `limits` library's fixed-window counters, put in front of a view.

`ratelimits.py` says which routes are limited, by which budget (a config key such as
LIMIT_START) and on what key (the account, the address, the token). Here a limit is a decorator
that counts the request in the shared store RATELIMIT_STORAGE_URI names and refuses it with 429
once the window's budget is spent; the 429's Retry-After comes from the window it ran into.

Flask-Limiter did this before. Around each limited request it resolved every limit the app
declares, twice (in `before_request` and again in the decorator), parsed each limit's text
again and reached the request through dozens of context lookups: 15 % of the instructions of a
start, the busiest request of a contest (docs/performance.md). Here a route carries its own
limits and each text is parsed once.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, abort, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

View = Callable[..., Any]
EXTENSION = "quizapp.ratelimiter"


def remote_address() -> str:
    """The client's address (ProxyFix has put nginx's X-Forwarded-For there, when configured)."""
    return request.remote_addr or "127.0.0.1"


@dataclass
class _Counting:
    """One app's limiter: on or off, its counters, and the budgets it has read."""

    enabled: bool
    counters: FixedWindowRateLimiter
    parsed: dict[str, tuple[RateLimitItem, ...]] = field(default_factory=dict)

    def budget(self, text: str) -> tuple[RateLimitItem, ...]:
        """A budget ("40 per minute;300 per hour") as its limits, the shortest window first."""
        items = self.parsed.get(text)
        if items is None:
            items = self.parsed[text] = tuple(sorted(parse_many(text)))
        return items

    def count(self, text: str, key: str, scope: str) -> None:
        """Counts one request against every limit of the budget; 429 at the first one spent
        (the limits before it have counted it, as one budget's windows do)."""
        for item in self.budget(text):
            if not self.counters.hit(item, key, scope):
                g.rate_limit_reset = self.counters.get_window_stats(item, key, scope).reset_time
                abort(429)


class Limiter:
    """The app factory calls `init_app`; `ratelimits.py` decorates views with `limit`."""

    def init_app(self, app: Flask) -> None:
        options = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **options)
        enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
        app.extensions[EXTENSION] = _Counting(enabled, FixedWindowRateLimiter(storage))

    def limit(
        self,
        budget: str,
        *,
        scope: str | None = None,
        key: Callable[[], str] = remote_address,
        methods: Collection[str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
    ) -> Callable[[View], View]:
        """Counts the view's requests against the config value `budget` (a limit text).

        `scope` names the counter: routes that give the same scope share one (a page and the
        API call that does the same thing); without one, each endpoint has its own. `key`
        says whose counter it is; `methods`, which requests count (all when None)."""

        def decorate(view: View) -> View:
            @functools.wraps(view)
            def limited(*args: Any, **kwargs: Any) -> Any:
                counting: _Counting = current_app.extensions[EXTENSION]
                if (
                    counting.enabled
                    and (methods is None or request.method in methods)
                    and not (exempt_when is not None and exempt_when())
                ):
                    text = current_app.config[budget]
                    counting.count(text, key(), scope or request.endpoint or "")
                return view(*args, **kwargs)

            return limited

        return decorate


def retry_after_seconds() -> int | None:
    """How long the limit this request ran into still holds, in whole seconds (None when the
    request ran into none)."""
    reset = g.get("rate_limit_reset")
    if reset is None:
        return None
    return max(1, math.ceil(reset - time.time()))
