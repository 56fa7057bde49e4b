"""PeakReady served with its session-cookie route: `streamlit run serve.py`.

Streamlit's own st.App (1.67) runs app.py as usual and adds one small HTTP route, because a
script run cannot answer with a Set-Cookie header and a cookie set from the page's JavaScript
cannot be HttpOnly:

- POST /api/session {"token": …}: the page hands over a new session's token once; the route
  replaces it by a fresh token (the handed-over one dies) and sets that as an HttpOnly,
  SameSite=Strict, Path=/ cookie expiring with the session (Secure and named __Host-… with
  READINESS_COOKIE_SECURE).
- POST /api/session/end: ends the session the cookie names and deletes the cookie.

Both refuse requests that do not come from the app's own pages (Origin must match Host, and a
custom header no other site can send without a CORS preflight, which is never granted).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.clock import utcnow
from core.config import get_settings
from org.sessions import end_session_by_token, rotate_token
from store.db import make_engine


@cache
def _engine():
    return make_engine()


def _from_our_pages(request: Request) -> bool:
    origin = request.headers.get("origin")
    return (request.headers.get("x-peakready") == "session" and origin is not None
            and urlsplit(origin).netloc == request.headers.get("host"))


async def set_session_cookie(request: Request) -> Response:
    if not _from_our_pages(request):
        return JSONResponse({"ok": False}, status_code=403)
    try:
        token = (await request.json()).get("token")
    except ValueError:
        token = None
    if not isinstance(token, str) or not token:
        return JSONResponse({"ok": False}, status_code=400)
    settings = get_settings()
    now = utcnow()
    fresh = await run_in_threadpool(rotate_token, token, engine=_engine(), now=now)
    if fresh is None:
        return JSONResponse({"ok": False}, status_code=401)
    response = JSONResponse({"ok": True})
    response.set_cookie(settings.session_cookie_name, fresh.token,
                        max_age=max(0, int((fresh.expires_at - now).total_seconds())), path="/",
                        httponly=True, samesite="strict", secure=settings.cookie_secure)
    return response


async def end_session_cookie(request: Request) -> Response:
    if not _from_our_pages(request):
        return JSONResponse({"ok": False}, status_code=403)
    settings = get_settings()
    token = request.cookies.get(settings.session_cookie_name)
    if token:
        await run_in_threadpool(end_session_by_token, token, "sign_out", engine=_engine(), now=utcnow())
    response = JSONResponse({"ok": True})
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True, samesite="strict",
                           secure=settings.cookie_secure)
    return response


app = st.App("app.py", routes=[
    Route("/api/session", set_session_cookie, methods=["POST"]),
    Route("/api/session/end", end_session_cookie, methods=["POST"]),
])
