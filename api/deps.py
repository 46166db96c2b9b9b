"""The services built once at startup (app/services.py), handed to routes as typed dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.services import Services

__all__ = ["Services", "ServicesDep", "get_services"]


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
