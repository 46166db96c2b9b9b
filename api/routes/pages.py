"""The clinician's page: server-rendered HTML, the answer fragment rendered by qa.render."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import Clinician
from api.deps import ServicesDep
from api.routes.answers import answer
from api.schemas import AskRequest, PageAnswer
from qa.render import to_html

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> HTMLResponse:
    manifest = services.searcher().manifest
    return templates.TemplateResponse(request, "index.html", {"manifest": manifest})


@router.post("/ui/answer", response_model=PageAnswer)
def page_answer(body: AskRequest, services: ServicesDep, who: Clinician) -> PageAnswer:
    result = answer(services, body)
    return PageAnswer(conversation_id=result.conversation_id, understood_as=result.understood_as, html=to_html(result))
