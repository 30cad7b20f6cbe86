"""Every error as JSON ``{"code", "message", "detail"}``, with an HTTP status from the error tree.

The status of an :class:`~xcatalog.errors.XCatalogError` is the one of its
nearest class in :data:`STATUS_BY_ERROR` (walking the MRO), so a new subclass
inherits a sensible answer:

==============================  ======  =================================================
error                           status  why
==============================  ======  =================================================
Unauthenticated                 401     no key, or an unknown one
PermissionDenied                403     the key's role lacks the permission
NotRegistered                   404     nothing at that name; ``detail.available`` lists names
CollectionNotFound              404     no such collection or resource
EnrichmentError                 404     the model has no enrichment (or no such field), as in the seed
AmbiguousName                   409     several paths match; ``detail.candidates``
AlreadyRegistered, StoreConflict 409    the target changed under the caller
InvalidName                     422     a name or namespace is not made of identifiers
ValidationFailed                422     ``detail.errors`` (and ``warnings``) in pydantic's shape
InferenceError, ProfilingError  422     the data could not become a schema or profile
FunctionFailed                  500     the registered function raised (its message, passwords masked)
ResourceError                   502     the data source failed
StoreError                      503     the catalog store is unavailable
FunctionTimeout                 504     the function overran ``execution_timeout``
XCatalogError (anything else)   400
any other exception             500     ``internal_error``: a generic message and an incident id
==============================  ======  =================================================

Messages go through :func:`xcatalog.errors.redact`, and the message of a
5xx answer (a failing function, resource or store) shows no connection string
at all (``mongodb://<hidden>``); an unexpected exception's
text and traceback go only to the server log (logger ``xcatalog.api``), never
into the response, which carries an ``incident`` id to find them.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import to_jsonable_python
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xcatalog.api.auth import Unauthenticated
from xcatalog.errors import (
    AlreadyRegistered,
    AmbiguousName,
    CollectionNotFound,
    EnrichmentError,
    FunctionFailed,
    FunctionTimeout,
    InferenceError,
    InvalidName,
    LoadFailed,
    NotRegistered,
    PermissionDenied,
    ProfilingError,
    ResourceError,
    StoreConflict,
    StoreError,
    ValidationFailed,
    XCatalogError,
    redact,
)
from xcatalog.registry.audit import AuditLog

__all__ = [
    "STATUS_BY_ERROR",
    "CatchUnexpected",
    "error_code",
    "error_response",
    "hide_connection_strings",
    "install_error_handlers",
    "status_for",
]

logger = logging.getLogger("xcatalog.api")

STATUS_BY_ERROR: Mapping[type[XCatalogError], int] = {
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotRegistered: 404,
    CollectionNotFound: 404,
    EnrichmentError: 404,
    AmbiguousName: 409,
    AlreadyRegistered: 409,
    StoreConflict: 409,
    InvalidName: 422,
    ValidationFailed: 422,
    InferenceError: 422,
    ProfilingError: 422,
    FunctionFailed: 500,
    ResourceError: 502,
    StoreError: 503,
    LoadFailed: 503,
    FunctionTimeout: 504,
    XCatalogError: 400,
}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
}
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# A server-side failure may quote the connection string it used: hide all of it, not only the password.
_URI = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://[^\s'\"<>]+")


def hide_connection_strings(text: str) -> str:
    """Replace every ``scheme://...`` in ``text`` with ``scheme://<hidden>`` (for 5xx answers)."""
    return _URI.sub(lambda match: f"{match['scheme']}://<hidden>", text)


def status_for(error: XCatalogError) -> int:
    """The HTTP status of an xcatalog error: its nearest class in :data:`STATUS_BY_ERROR`."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]  # type: ignore[index]
    return 500


def error_code(error: XCatalogError) -> str:
    """The stable code of an error: its class name in snake_case (``NotRegistered`` -> ``not_registered``)."""
    return _CAMEL_BOUNDARY.sub("_", type(error).__name__).lower()


def _jsonable(value: Any) -> Any:
    return to_jsonable_python(value, fallback=lambda item: redact(repr(item)))


def _detail(error: XCatalogError) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    for attribute in ("name", "available", "candidates", "role", "operation", "path", "failures"):
        value = getattr(error, attribute, None)
        if value not in (None, "", [], {}):
            detail[attribute] = value
    if isinstance(error, ValidationFailed):
        detail["errors"] = error.errors
        if error.warnings:
            detail["warnings"] = error.warnings
    jsonable = _jsonable(detail)
    return jsonable if isinstance(jsonable, dict) else {}


def error_response(
    status: int,
    code: str,
    message: str,
    detail: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response of the one stable shape."""
    body = {"code": code, "message": redact(message), "detail": _jsonable(dict(detail or {}))}
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


def install_error_handlers(app: FastAPI, audit: AuditLog) -> None:
    """Answer every error of ``app`` as ``{"code", "message", "detail"}``; audit 401 and 403 answers.

    Args:
        app: The application.
        audit: Where refused requests are recorded (``api_denied``, kind ``api``).
    """

    async def on_xcatalog_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, XCatalogError)  # registered for XCatalogError only
        status = status_for(exc)
        if status in (401, 403):
            audit.record(
                "api_denied",
                request.url.path,
                kind="api",
                role=getattr(exc, "role", None) or None,
                allowed=False,
                status=status,
                method=request.method,
                operation=getattr(exc, "operation", "") or None,
                target=getattr(exc, "path", "") or None,
            )
        headers = {"WWW-Authenticate": 'Bearer realm="xcatalog"'} if status == 401 else None
        if status >= 500 and not isinstance(exc, FunctionFailed | ResourceError | StoreError):
            return _internal(request, exc)
        message = str(exc)
        if status >= 500:
            logger.warning("%s %s failed: %s", request.method, request.url.path, redact(exc))
            message = hide_connection_strings(message)
        return error_response(status, error_code(exc), message, _detail(exc), headers)

    async def on_request_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {key: error[key] for key in ("loc", "msg", "type", "input") if key in error} for error in exc.errors()
        ]
        shown = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in errors[:5])
        return error_response(
            422,
            "validation_failed",
            f"The request does not match the API schema: {shown}. See /docs for the expected shape.",
            {"errors": errors},
        )

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404:
            message = f"No endpoint at {request.method} {request.url.path}. The endpoints are listed at /docs."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}. The endpoints are listed at /docs."
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    handlers: dict[type[Exception], Callable[[Request, Exception], Any]] = {
        XCatalogError: on_xcatalog_error,
        RequestValidationError: on_request_validation,
        StarletteHTTPException: on_http_error,
    }
    for exception_class, handler in handlers.items():
        app.add_exception_handler(exception_class, handler)
    # Not an ``Exception`` handler: Starlette re-raises after calling that one, so the
    # server would also print the traceback; this middleware answers and stops there.
    app.add_middleware(CatchUnexpected)


class CatchUnexpected:
    """ASGI middleware: an exception no handler took becomes a 500 ``internal_error`` answer.

    Args:
        app: The wrapped ASGI application.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; answer 500 if it raised before its response started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            if started:  # too late for another answer; let the server close the connection
                raise
            await _internal(Request(scope), exc)(scope, receive, send)


def _internal(request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    # The traceback goes to the server log only; the exception text may hold hosts or paths.
    trace = redact("".join(traceback.format_exception(exc)))
    logger.error("Internal error %s on %s %s:\n%s", incident, request.method, request.url.path, trace)
    return error_response(
        500,
        "internal_error",
        f"The server failed while handling {request.method} {request.url.path}. "
        f"Report incident {incident} to the operator; the details are in the server log.",
        {"incident": incident},
    )
