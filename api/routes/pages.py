"""The clinician's page: server-rendered HTML, the answer fragment rendered by present.render."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import Clinician, Editor
from api.contract import check_length
from api.deps import ServicesDep
from api.schemas import AskRequest, PageAnswer
from app import asking, progressive, reviewing
from present.render import to_html
from qa.study import SHORT, STRENGTH

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> HTMLResponse:
    manifest = services.searcher().manifest
    building = progressive.notice(services.index_state())  # a first run still embedding: say what answers use
    designs = [(key, SHORT[key]) for key in STRENGTH]  # the study-design filter's choices, strongest first
    return templates.TemplateResponse(request, "index.html", {"manifest": manifest, "building": building, "designs": designs})


@router.get("/ui/index-notice")
def index_notice(services: ServicesDep) -> dict:
    """The page's "still preparing" line as it reads now, or null once the index in service is complete: an
    open page keeps it current while a first run embeds, and drops it when the full index is published."""
    return {"notice": progressive.notice(services.index_state())}


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request) -> HTMLResponse:
    """The editorial policy: how answers are produced and how editors review them (static)."""
    return templates.TemplateResponse(request, "policy.html", {})


@router.get("/ui/whoami")
def whoami(who: Clinician) -> dict:
    """Who the page's token stands for (anonymous under open access), so a page shows the right controls."""
    return {"name": who.name, "role": who.role}


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "review.html", {})


@router.get("/ui/answers/{answer_id}")
def review_fragment(answer_id: str, services: ServicesDep, who: Editor) -> dict:
    """A stored answer as the page shows it, for the review page (JSON for the tables, HTML to read)."""
    stored = reviewing.read(services, answer_id)
    return {"answer": stored.model_dump(mode="json"), "html": to_html(stored)}


@router.post("/ui/answer", response_model=PageAnswer)
def page_answer(body: AskRequest, services: ServicesDep, who: Clinician) -> PageAnswer:
    question = check_length(body.question, services.settings)
    result = asking.ask(services, question, body.conversation_id, body.filters(), body.audience)
    return PageAnswer(conversation_id=result.conversation_id, understood_as=result.understood_as, html=to_html(result))
