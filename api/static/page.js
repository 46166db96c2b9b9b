// The clinician page: ask, follow up, open the exact cited passage. Document text only ever
// arrives escaped (server-rendered fragment) or is set with textContent.
"use strict";

const answers = document.getElementById("answers");
const status = document.getElementById("status");
const followupForm = document.getElementById("followup-form");
const panel = document.getElementById("passage");
let conversationId = null;
let turns = 0;            // answers inserted so far: each one's anchors get the prefix `t<N>-`
let opener = null;        // the citation that opened the passage panel (focus returns there)

const STATUS_NOTES = {
  "Approved": "Checked by an editor against the cited sources.",
  "Rejected": "An editor rejected this answer: read it with care and check the sources.",
};
const PENDING = "Pending human review: quoted automatically from the index and not yet checked by an editor.";

function setStatus(text, isError) {
  status.textContent = text;
  status.className = isError ? "error" : "";
}

medciteAuth.onChange((who) => {
  document.getElementById("review-link").hidden = !(who && who.role === "editor");
});

function detailOf(body, response) {
  const detail = typeof body.detail === "string" ? body.detail : (body.detail || []).map((d) => d.msg).join("; ");
  return detail || `The server answered ${response.status}.`;
}

function uniqueAnchors(holder, prefix) {
  // Every answer's fragment numbers its references from 1 (`ref-1`…): prefix the ids and the links
  // pointing at them so a follow-up's citations open that answer's own references.
  holder.querySelectorAll("[id]").forEach((el) => { el.id = `${prefix}${el.id}`; });
  holder.querySelectorAll('a[href^="#"]').forEach((a) => {
    a.setAttribute("href", `#${prefix}${a.getAttribute("href").slice(1)}`);
  });
}

function statusUpFront(article) {
  // The footer already says status and date; say them (and what they mean) where a reader starts.
  const footer = article.querySelector("footer .review");
  if (!footer) return;
  const label = (footer.querySelector(".status") || {}).textContent || "";
  const time = footer.querySelector("time");
  const banner = document.createElement("div");
  banner.className = `review-banner status-${label.toLowerCase().replace(/\s+/g, "-")}`;
  const line = document.createElement("p");
  const badge = document.createElement("strong");
  badge.className = "badge";
  badge.textContent = label;
  line.append("Review status: ", badge);
  if (time) {
    const when = document.createElement("time");
    when.dateTime = time.getAttribute("datetime");
    when.textContent = time.textContent;
    line.append(" · Last updated: ", when);
  }
  const note = document.createElement("p");
  note.className = "notice";
  note.append(STATUS_NOTES[label] || PENDING, " ");
  const policy = document.createElement("a");
  policy.href = "/policy";
  policy.textContent = "How answers are made and reviewed";
  note.appendChild(policy);
  banner.append(line, note);
  const heading = article.querySelector("h2");
  const understood = article.querySelector(".understood-as");
  (understood || heading || article.firstChild).after(banner);
}

function chosenDesigns() {
  // The study designs ticked in the ask form: research of these only (none ticked: every design).
  return [...document.querySelectorAll('#ask-form input[name="designs"]:checked')].map((box) => box.value);
}

document.querySelectorAll('#ask-form input[name="designs"]').forEach((box) => box.addEventListener("change", () => {
  const count = chosenDesigns().length;
  document.getElementById("designs-chosen").textContent = count ? `(${count} chosen)` : "(all)";
}));

async function ask(question, conversation) {
  setStatus("Searching the index…", false);
  const response = await fetch("/ui/answer", {
    method: "POST",
    headers: medciteAuth.headers({"Content-Type": "application/json"}),
    body: JSON.stringify({
      question: question,
      conversation_id: conversation,
      audience: document.getElementById("audience").value,
      designs: chosenDesigns(),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const hint = response.status === 401 ? " Sign in with an access token above." : "";
    setStatus(detailOf(body, response) + hint, true);
    return false;
  }
  setStatus("", false);
  conversationId = body.conversation_id;
  turns += 1;
  const holder = document.createElement("div");
  holder.className = "turn";
  holder.innerHTML = body.html;  // rendered and escaped by the server (present/render.py)
  uniqueAnchors(holder, `t${turns}-`);
  holder.querySelectorAll("article.answer").forEach(statusUpFront);
  if (!conversation) { answers.replaceChildren(); closePassage(false); }
  answers.appendChild(holder);
  followupForm.hidden = false;
  holder.scrollIntoView({behavior: "smooth", block: "start"});
  return true;
}

document.getElementById("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = document.getElementById("question").value.trim();
  if (question) ask(question, null);
});

followupForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("followup");
  const question = input.value.trim();
  if (question) ask(question, conversationId).then((ok) => { if (ok) input.value = ""; });
});

function statementBefore(element) {
  let node = element.closest("sup") || element;
  while (node && !(node.classList && node.classList.contains("statement"))) node = node.previousElementSibling;
  return node;
}

// `statement` is anything carrying data-chunk-id and data-span: a statement, or a cited page's link.
async function openPassage(statement, number) {
  const [start, end] = statement.dataset.span.split(",").map(Number);
  const response = await fetch(`/chunks/${encodeURIComponent(statement.dataset.chunkId)}?span=${start},${end}`,
                               {headers: medciteAuth.headers()});
  if (!response.ok) { setStatus("The cited passage is no longer in the index.", true); return; }
  const chunk = await response.json();
  document.getElementById("passage-title").textContent = `[${number}] ${chunk.title || chunk.doc_id}`;
  // Clinicians see public identifiers and the page, never a path inside the data dir.
  const publicLocator = /^(PMID:|doi:|https?:\/\/)/i.test(chunk.locator || "") ? chunk.locator : null;
  const page = chunk.page ? `p. ${chunk.page}` : null;
  const meta = [chunk.source, chunk.year, publicLocator, page, chunk.section].filter(Boolean).join(" · ");
  document.getElementById("passage-meta").textContent = meta;
  const quote = document.getElementById("passage-text");
  const [a, b] = chunk.highlight || [0, 0];
  const mark = document.createElement("mark");
  mark.textContent = chunk.text.slice(a, b);
  quote.replaceChildren(chunk.text.slice(0, a), mark, chunk.text.slice(b));
  panel.hidden = false;
  document.body.classList.add("passage-open");
  mark.scrollIntoView({block: "nearest"});
  panel.focus({preventScroll: true});  // keyboard users land in the panel; Esc brings them back
}

function closePassage(restoreFocus) {
  if (panel.hidden) return;
  panel.hidden = true;
  document.body.classList.remove("passage-open");
  if (restoreFocus && opener && opener.isConnected) opener.focus();
}

answers.addEventListener("click", (event) => {
  const ref = event.target.closest("a.ref");
  const page = event.target.closest("ol.references a.page[data-chunk-id]");
  const item = event.target.closest("ol.references li");
  let statement = null;
  let number = null;
  if (page) {
    // A cited page of a document with no public PDF: open the passage cited on that page, here.
    event.preventDefault();
    number = page.dataset.ref;
    statement = page;
  } else if (event.target.closest("ol.references a")) {
    return;  // the document's own link (or a PDF page) opens the source itself
  } else if (ref) {
    event.preventDefault();  // the panel shows the passage; the reference is highlighted in place
    number = ref.dataset.ref;
    statement = statementBefore(ref);
  } else if (item) {
    number = item.getAttribute("value");
    const first = item.closest("article").querySelector(`a.ref[data-ref="${number}"]`);
    statement = first && statementBefore(first);
  }
  if (!statement) return;
  const article = statement.closest("article");
  answers.querySelectorAll("ol.references li.active").forEach((li) => li.classList.remove("active"));
  const target = article.querySelector(`ol.references li[value="${CSS.escape(String(number))}"]`);
  if (target) target.classList.add("active");
  opener = page || ref || (event.target.closest("a, button") || null);
  openPassage(statement, number);
});

document.getElementById("passage-close").addEventListener("click", () => closePassage(true));

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !panel.hidden) {
    event.preventDefault();
    closePassage(true);
  }
});

// A first run still embedding: keep the "still preparing" line current, and drop it once the full index is in
// service (the next question uses it; nothing else on the page changes).
const building = document.querySelector(".index-building");
if (building) {
  const refresh = setInterval(async () => {
    try {
      const response = await fetch("/ui/index-notice");
      if (!response.ok) return;
      const { notice } = await response.json();
      if (notice) {
        building.textContent = notice;
      } else {
        building.remove();
        clearInterval(refresh);
      }
    } catch (error) {
      // the server restarting (make run again): the next tick tries again
    }
  }, 5000);
}
