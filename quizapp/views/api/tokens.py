"""Bearer tokens: sign in (or register) for a token, list and revoke them."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g

from ... import ratelimits
from ...clock import now
from ...models import ApiToken, Participant
from ...services import api_tokens, participants
from ..unit_of_work import commit
from . import bp
from .participant import require_me
from .schemas import OkOut, PageIn, RegisterTokenIn, TokenIn
from .schemas_flow import IssuedOut, TokensOut
from .spec import Unauthorized, paged, parse_body, parse_query, reply, route


@route(
    bp,
    "POST",
    "/tokens",
    "issueToken",
    "Đăng nhập bằng số điện thoại và mật khẩu, nhận mã truy cập (Bearer)",
    tag="account",
    body=TokenIn,
    responses={201: IssuedOut},
    errors=(401, 429),
    auth="password",
    description="Cho ứng dụng và mini app: không cần cookie hay mã CSRF. Mã chỉ hiện một lần, "
    "hết hạn sau API_TOKEN_DAYS ngày (mặc định 30) và bị thu hồi khi đăng xuất mọi nơi "
    "hoặc đổi mật khẩu.",
)
@ratelimits.login
def issue_token():
    data = parse_body(TokenIn)
    participant = participants.authenticate(data.phone, data.password)
    if participant is None:
        raise Unauthorized("bad_credentials", "Số điện thoại hoặc mật khẩu không đúng.")
    return _issued(participant, data.label)


@route(
    bp,
    "POST",
    "/register/token",
    "registerWithToken",
    "Đăng ký người dự thi và nhận ngay mã truy cập (cho ứng dụng, mini app)",
    tag="account",
    body=RegisterTokenIn,
    responses={201: IssuedOut},
    errors=(409, 429),
    auth="password",
    description="Như POST /register nhưng không mở phiên cookie và không cần mã CSRF: "
    "trả về mã truy cập như POST /tokens.",
)
@ratelimits.register
def register_with_token():
    data = parse_body(RegisterTokenIn)
    registration = participants.Registration(**data.model_dump(exclude={"label"}))
    participant = participants.register(registration, now=now())
    return _issued(participant, data.label)


def _issued(participant: Participant, label: str):
    lifetime = timedelta(days=current_app.config["API_TOKEN_DAYS"])
    issued = api_tokens.issue(participant, label, now(), lifetime)
    body = {
        "token": issued.secret,
        "token_type": "Bearer",
        "id": issued.token.id,
        "label": issued.token.label,
        "expires_at": issued.token.expires_at.isoformat(),
        "participant": {"id": participant.id, "full_name": participant.full_name},
    }
    commit()
    return reply(IssuedOut, body, 201)


def _token_json(token: ApiToken) -> dict:
    current = getattr(g, "api_token", None)
    return {
        "id": token.id,
        "label": token.label,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "current": current is not None and current.id == token.id,
    }


@route(
    bp,
    "GET",
    "/tokens",
    "listTokens",
    "Các mã truy cập còn hiệu lực của tôi (mới nhất trước)",
    tag="account",
    query=PageIn,
    responses={200: TokensOut},
    auth="participant",
)
def list_tokens():
    page = parse_query(PageIn)
    rows, total = api_tokens.page_of(require_me(), now(), page.page, page.size)
    return reply(TokensOut, paged([_token_json(t) for t in rows], page, total))


@route(
    bp,
    "DELETE",
    "/tokens/<int:token_id>",
    "revokeToken",
    "Thu hồi một mã truy cập của tôi",
    tag="account",
    responses={200: OkOut},
    errors=(404,),
    auth="participant",
)
def revoke_token(token_id: int):
    api_tokens.revoke(require_me(), token_id, now())
    commit()
    return reply(OkOut, {"ok": True})
