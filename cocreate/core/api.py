"""The REST API root: authentication, the error shape, pagination, and the routers
of each app. Handlers stay thin: parse, call the action, return a schema."""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.params.functions import Path as PathParam
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from cocreate.core.errors import ActionError, RateLimited


class ApiRequest(HttpRequest):
    """What handlers receive: ninja sets `auth` to the authenticated user."""

    auth: Any


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cc_...` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from cocreate.accounts.actions import user_for_token

        return user_for_token(token)


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


def anonymous(request: HttpRequest) -> Any:
    # Public reads work without credentials, but a bad token is still a 401.
    if request.headers.get("Authorization"):
        return None
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTHENTICATED = [token_auth, session_auth]
PUBLIC = [token_auth, session_auth, anonymous]


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorBody


# The error responses every operation may give, for the OpenAPI document.
ERRORS: dict[int, type] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422, 429)}


class PersonOut(Schema):
    """A person as other people see them."""

    id: int
    display_name: str
    handle: str


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (at most 100) -> {"items": [...], "count": total}."""

    class Input(Schema):
        # Bounded so a huge page number is a 422, not an offset the database rejects.
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000_000)  # served at most 100

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", settings.NINJA_PAGINATION_PER_PAGE)
        kwargs.setdefault("max_page_size", 100)
        super().__init__(**kwargs)


api = NinjaAPI(
    title="cocreate API",
    version="1",
    urls_namespace="api",
    auth=AUTHENTICATED,
    docs_url="/docs",
    description=(
        "Co-creation between an organisation and its community. Authenticate with "
        "`Authorization: Bearer <token>` (create one at POST /api/v1/auth/token or on the "
        "Tokens page) or with the browser session plus the `X-CSRFToken` header. Errors are "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    response = api.create_response(request, exc.as_json(), status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        # ninja's loc is (where, parameter, field...): drop the first two, so a field
        # that is itself called "body" keeps its name.
        loc = [str(p) for p in err.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path", "form", "file"):
            loc = loc[1:]
        loc = loc[1:] if len(loc) > 1 and loc[0].startswith("payload") else loc
        fields.setdefault(".".join(loc) or "body", []).append(str(err.get("msg", "invalid")))
    return error_response(request, 422, "invalid", "Some fields are not valid.", fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", "Sign in or send a valid API token.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        422: "invalid",
        429: "rate_limited",
    }
    return error_response(
        request, exc.status_code, codes.get(exc.status_code, "error"), str(exc.message)
    )


# Path ids are bounded so out-of-range numbers are a 422, never a database error.
ObjectId = Annotated[int, PathParam(ge=1, le=2**53)]


def register_routers() -> None:
    from cocreate.accounts.api import router as accounts_router
    from cocreate.challenges.api import router as challenges_router
    from cocreate.communities.api import router as communities_router
    from cocreate.consensus.api import router as consensus_router
    from cocreate.dialogue.api import router as dialogue_router
    from cocreate.dialogue.update_api import router as updates_router
    from cocreate.ideas.api import router as ideas_router
    from cocreate.notifications.api import router as notifications_router
    from cocreate.webhooks.api import router as webhooks_router

    api.add_router("/", accounts_router)
    api.add_router("/", communities_router)
    api.add_router("/", challenges_router)
    api.add_router("/", ideas_router)
    api.add_router("/", dialogue_router)
    api.add_router("/", updates_router)
    api.add_router("/", notifications_router)
    api.add_router("/", webhooks_router)
    api.add_router("/", consensus_router)


register_routers()
