#!/usr/bin/env python3
"""A client of the contest API written from its OpenAPI document alone (standard library only).

It reads /api/v1/openapi.json, finds each call by its operationId, signs in for a bearer
token, takes the first open round (answering every question with the first choice), submits
and prints the result. With --origin it sends that Origin header, as a mini-app's web view
would, and says whether the server granted it (CORS).

    python3 docs/api_client_example.py --base http://127.0.0.1:8000 \\
        --phone 0912000111 --password matkhau123 [--origin https://mini.example.vn]
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        error = body.get("error", {})
        super().__init__(f"{status} {error.get('code')}: {error.get('message')}")
        self.status = status
        self.code = error.get("code")


class Client:
    """Calls operations by their operationId, as the document describes them."""

    def __init__(self, base: str, origin: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.origin = origin
        self.token: str | None = None
        self.granted: set[str] = set()
        document, _ = self._send("GET", self.base + "/api/v1/openapi.json")
        server = document["servers"][0]["url"]
        self.root = self.base + server if server.startswith("/") else server
        self.operations = {
            op["operationId"]: (method.upper(), path, op)
            for path, item in document["paths"].items()
            for method, op in item.items()
        }

    def _send(self, method: str, url: str, body: Any = None) -> tuple[Any, int]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.origin:
            headers["Origin"] = self.origin
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.headers.get("Access-Control-Allow-Origin") == self.origin:
                    self.granted.add(url)
                return json.loads(response.read() or b"null"), response.status
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read() or b"{}")) from None

    def call(self, operation_id: str, body: Any = None, **params: Any) -> Any:
        method, path, op = self.operations[operation_id]
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        if "requestBody" in op and body is None:
            body = {}
        result, _ = self._send(method, self.root + path, body)
        return result


def take_a_round(client: Client, phone: str, password: str) -> dict[str, Any]:
    issued = client.call("issueToken", {"phone": phone, "password": password, "label": "Ví dụ"})
    client.token = issued["token"]
    rounds = client.call("listRounds")["items"]
    open_rounds = [r for r in rounds if r["state"] == "open"]
    if not open_rounds:
        raise SystemExit("Không có đợt thi nào đang mở.")
    chosen = open_rounds[0]
    attempt = client.call("startAttempt", round_id=chosen["id"])
    for question in attempt["questions"]:
        client.call(
            "saveAnswer", {"choice": 0}, attempt_id=attempt["id"], position=question["position"]
        )
    body = {"prediction": 100} if chosen["prediction_kind"] else {}
    client.call("submitAttempt", body, attempt_id=attempt["id"])
    result = client.call("getResult", attempt_id=attempt["id"])
    client.call("logout")  # revokes this token
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--phone", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--origin", help="send this Origin header (a mini-app's web view)")
    args = parser.parse_args(argv)
    client = Client(args.base, args.origin)
    try:
        result = take_a_round(client, args.phone, args.password)
    except ApiError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    if result["score_shown"]:
        print(f"Kết quả: {result['score']}/{result['total']} câu đúng, {result['time_used_ms']} ms")
    else:
        print(f"Kết quả: đã nộp {result['total']} câu; điểm được công bố khi đợt thi có kết quả")
    if args.origin:
        verdict = "được phép" if client.granted else "KHÔNG được phép"
        print(f"CORS cho {args.origin}: {verdict} ({len(client.granted)} lệnh gọi)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
