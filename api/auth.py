"""Bearer-token auth for FastAPI: the principal a request acts for, from the token file (app.tokens)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPBearer

from app.tokens import PREFIX, ROLES, Role, TokenInfo, TokenStore  # noqa: F401 - re-exported for the routes and the CLI


@dataclass(frozen=True)
class Principal:  # who a request acts for: a token's name, or "anonymous" under open access
    name: str
    role: Role


# The scheme as the schema states it: each guarded operation's security names it with the role it needs (as
# OpenAPI 3.1 allows for a non-OAuth scheme), and api.contract marks the clinician's as optional under open
# access. The header itself is read by `authenticate`, which tells a token sent wrong (401) from none at all.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token from `medcite token create NAME --role clinician|editor`, sent as `Authorization: Bearer <token>`.",
)

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

    def dependency(request: Request, _declared: object = Security(BEARER, scopes=[role])) -> Principal:
        open_now = open_access or getattr(request.app.state, "open_access", False)
        return authenticate(request.app.state.tokens, request.headers.get("authorization"), role, open_now)

    return dependency


clinician = require("clinician")
editor = require("editor")
Clinician = Annotated[Principal, Depends(clinician)]
Editor = Annotated[Principal, Depends(editor)]
