from __future__ import annotations

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.accounts import actions
from cocreate.accounts.models import ApiToken, User
from cocreate.core.api import AUTHENTICATED, ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination
from cocreate.core.ratelimit import client_ip

router = Router(tags=["accounts"])


class TokenRequest(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    name: str = Field("API", max_length=80)


class TokenCreate(Schema):
    name: str = Field(max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret, shown only this once.")


class SignUpIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    display_name: str = Field(max_length=60)
    language: str = Field("en", max_length=10)


class UserOut(Schema):
    id: int
    display_name: str
    handle: str
    bio: str
    languages: list[str]
    avatar_url: str | None
    date_joined: datetime

    @staticmethod
    def resolve_avatar_url(obj: User) -> str | None:
        return obj.avatar.url if obj.avatar else None


class MeOut(UserOut):
    email: str
    language: str
    email_confirmed: bool
    is_site_staff: bool

    @staticmethod
    def resolve_is_site_staff(obj: User) -> bool:
        return obj.is_staff


class ProfileIn(Schema):
    display_name: str | None = Field(None, max_length=60)
    handle: str | None = Field(None, max_length=31)
    bio: str | None = Field(None, max_length=280)
    languages: list[str] | None = Field(None, max_length=10)
    language: str | None = Field(None, max_length=10)


def _token_out(token: ApiToken, raw: str | None = None) -> dict[str, Any]:
    data = {
        f: getattr(token, f)
        for f in ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    }
    if raw is not None:
        data["token"] = raw
    return data


@router.post(
    "/auth/token",
    auth=None,
    response={201: NewTokenOut, **ERRORS},
    summary="Exchange email and password for an API token",
)
def issue_token(request: ApiRequest, payload: TokenRequest) -> Status[dict[str, Any]]:
    token, raw = actions.issue_token_for_credentials(
        email=payload.email, password=payload.password, ip=client_ip(request), name=payload.name
    )
    return Status(201, _token_out(token, raw))


@router.get("/auth/tokens", auth=AUTHENTICATED, response={200: list[TokenOut], **ERRORS})
@paginate(Pagination)
def list_tokens(request: ApiRequest) -> Any:
    return request.auth.api_tokens.all()


@router.post("/auth/tokens", auth=AUTHENTICATED, response={201: NewTokenOut, **ERRORS})
def create_token(request: ApiRequest, payload: TokenCreate) -> Status[dict[str, Any]]:
    token, raw = actions.create_token(request.auth, name=payload.name)
    return Status(201, _token_out(token, raw))


@router.delete("/auth/tokens/{token_id}", auth=AUTHENTICATED, response={200: TokenOut, **ERRORS})
def revoke_token(request: ApiRequest, token_id: ObjectId) -> dict[str, Any]:
    return _token_out(actions.revoke_token(request.auth, token_id))


@router.post(
    "/auth/signup",
    auth=None,
    response={201: MeOut, **ERRORS},
    summary="Create an account; a confirmation link is emailed",
)
def sign_up(request: ApiRequest, payload: SignUpIn) -> Status[User]:
    from cocreate.core import ratelimit

    ratelimit.hit(f"signup:ip:{client_ip(request)}", 20, 3600)
    return Status(201, actions.sign_up(**payload.dict()))


@router.get("/me", auth=AUTHENTICATED, response={200: MeOut, **ERRORS})
def me(request: ApiRequest) -> User:
    return request.auth


@router.patch("/me", auth=AUTHENTICATED, response={200: MeOut, **ERRORS})
def update_me(request: ApiRequest, payload: ProfileIn) -> User:
    return actions.update_profile(request.auth, **payload.dict(exclude_unset=True))


@router.get("/users/{user_id}", auth=PUBLIC, response={200: UserOut, **ERRORS})
def user_profile(request: ApiRequest, user_id: ObjectId) -> User:
    return get_object_or_404(User, pk=user_id, is_active=True)
