"""Bearer-token auth for FastAPI: the principal a request acts for, from the token file (app.tokens)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from app.tokens import PREFIX, ROLES, Role, TokenInfo, TokenStore  # noqa: F401 - re-exported for the routes and the CLI


@dataclass(frozen=True)
class Principal:  # who a request acts for: a token's name, or "anonymous" under open access
    name: str
    role: Role


MISSING = "missing bearer token: send 'Authorization: Bearer <token>' (create one with `medcite token create`)"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def authenticate(store: TokenStore, authorization: str | None, role: Role, open_access: bool = False) -> Principal:
    """The principal an Authorization header stands for, or an HTTPException (401/403). Also used by the
    body-limit middleware, which must refuse a request before its body is read."""
    if authorization is None and role == "clinician" and open_access:
        return Principal("anonymous", "clinician")  # only an absent header: a token sent is always checked
    parts = (authorization or "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise HTTPException(401, detail=MISSING, headers=_CHALLENGE)
    if (info := store.verify(parts[1])) is None:
        raise HTTPException(401, detail="invalid or revoked token", headers=_CHALLENGE)
    if ROLES.index(info.role) < ROLES.index(role):
        raise HTTPException(403, detail=f"this needs the {role} role; your token '{info.name}' has the {info.role} role")
    return Principal(info.name, info.role)


def require(role: Role, open_access: bool = False) -> Callable[..., Principal]:
    """A dependency admitting tokens of `role` or above. Open access (the argument, or `app.state.open_access`
    read per request so the app's setting decides) lets a request with no header in as an anonymous clinician."""

    def dependency(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
        open_now = open_access or getattr(request.app.state, "open_access", False)
        return authenticate(request.app.state.tokens, authorization, role, open_now)

    return dependency


clinician = require("clinician")
editor = require("editor")
Clinician = Annotated[Principal, Depends(clinician)]
Editor = Annotated[Principal, Depends(editor)]
