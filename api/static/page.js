// The clinician page: ask, follow up, open the exact cited passage. Document text only ever
// arrives escaped (server-rendered fragment) or is set with textContent.
"use strict";

const answers = document.getElementById("answers");
const status = document.getElementById("status");
const followupForm = document.getElementById("followup-form");
let conversationId = null;

function setStatus(text, isError) {
  status.textContent = text;
  status.className = isError ? "error" : "";
}

async function ask(question, conversation) {
  setStatus("Searching the index…", false);
  const response = await fetch("/ui/answer", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({
      question: question,
      conversation_id: conversation,
      audience: document.getElementById("audience").value,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof body.detail === "string" ? body.detail : (body.detail || []).map((d) => d.msg).join("; ");
    setStatus(detail || `The server answered ${response.status}.`, true);
    return;
  }
  setStatus("", false);
  conversationId = body.conversation_id;
  const holder = document.createElement("div");
  holder.className = "turn";
  holder.innerHTML = body.html;  // rendered and escaped by the server (qa/render.py)
  if (!conversation) answers.replaceChildren();
  answers.appendChild(holder);
  followupForm.hidden = false;
  holder.scrollIntoView({behavior: "smooth", block: "start"});
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
  if (question) ask(question, conversationId).then(() => { input.value = ""; });
});

function statementBefore(element) {
  let node = element.closest("sup") || element;
  while (node && !(node.classList && node.classList.contains("statement"))) node = node.previousElementSibling;
  return node;
}

// `statement` is anything carrying data-chunk-id and data-span: a statement, or a cited page's link.
async function openPassage(statement, number) {
  const [start, end] = statement.dataset.span.split(",").map(Number);
  const response = await fetch(`/chunks/${encodeURIComponent(statement.dataset.chunkId)}?span=${start},${end}`);
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
  document.getElementById("passage").hidden = false;
  mark.scrollIntoView({block: "nearest"});
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
    number = ref.dataset.ref;
    statement = statementBefore(ref);
  } else if (item) {
    number = item.getAttribute("value");
    const first = item.closest("article").querySelector(`a.ref[data-ref="${number}"]`);
    statement = first && statementBefore(first);
  }
  if (!statement) return;
  answers.querySelectorAll("ol.references li.active").forEach((li) => li.classList.remove("active"));
  const target = statement.closest("article").querySelector(`#ref-${number}`);
  if (target) target.classList.add("active");
  openPassage(statement, number);
});

document.getElementById("passage-close").addEventListener("click", () => {
  document.getElementById("passage").hidden = true;
});
