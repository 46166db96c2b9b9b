// The editor's review page. All document text is set with textContent or arrives escaped
// from the server's renderer; every change sends the version it was made against, and after
// every change the answer and the queue are read again from the server.
"use strict";

const LABELS = [["relevant", "Relevant"], ["partly", "Partly"], ["not_relevant", "Not relevant"]];
const statusLine = document.getElementById("status");
const queueList = document.getElementById("queue");
const moreButton = document.getElementById("queue-more");
const sidePanel = document.getElementById("review-passage");
let current = null;      // the answer being reviewed (JSON)
let loaded = new Map();  // answer_id → queue summary, in queue order: one entry per stored answer
let nextCursor = null;
let pagesLoaded = 0;
let queueRequest = 0;    // a newer load supersedes an older one still in flight
let passageOpener = null;
let searchTimer = null;
let searchPending = false;  // the search box changed and its reload has not started yet
const PAGE_SIZE = 50;

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? "error" : "";
}

function me() { return medciteAuth.principal ? medciteAuth.principal.name : null; }

async function call(method, url, body) {
  const response = await fetch(url, {
    method: method,
    headers: medciteAuth.headers({"Content-Type": "application/json"}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
    throw new Error(detail || `The server answered ${response.status}.`);
  }
  return data;
}

// ---------------------------------------------------------------- sign-in

medciteAuth.onChange((who) => {
  const editor = Boolean(who && who.role === "editor");
  document.getElementById("editor-area").hidden = !editor;
  document.getElementById("signed-out-note").hidden = editor;
  if (who && !editor) say(`Your token '${who.name}' has the ${who.role} role; the review queue needs an editor token.`, true);
  if (editor) { say("", false); loadQueue(1); }
  else { queueList.replaceChildren(); loaded = new Map(); current = null; document.getElementById("detail").hidden = true; closePassage(false); }
});

// ---------------------------------------------------------------- the queue

function statusLabel(status) { return status.replace("_", " "); }

function queueQuery(extra) {
  // The filters go to the server (GET /answers filters the whole queue, then pages it).
  const query = new URLSearchParams({limit: String(PAGE_SIZE), ...extra});
  const words = document.getElementById("queue-search").value.trim();
  const status = document.getElementById("status-filter").value;
  const audience = document.getElementById("audience-filter").value;
  if (words) query.set("q", words);
  if (status) query.set("status", status);
  if (audience) query.set("audience", audience);
  return query;
}

async function loadQueue(pages) {
  // Read the queue again from its first page, as many pages as were shown (`pages`), so an entry
  // always shows its stored state; a page's entries are keyed by answer id, never listed twice.
  clearTimeout(searchTimer);  // this reload reads the search box as it is now
  searchPending = false;
  const ticket = ++queueRequest;
  const fresh = new Map();
  let cursor = null;
  let count = 0;
  busy(true);
  try {
    do {
      const page = await call("GET", `/answers?${queueQuery(cursor ? {cursor: cursor} : {})}`);
      if (ticket !== queueRequest) return;
      for (const item of page.items) if (!fresh.has(item.answer_id)) fresh.set(item.answer_id, item);
      cursor = page.next_cursor;
      count += 1;
    } while (cursor && count < pages);
  } catch (error) { if (ticket === queueRequest) { say(error.message, true); busy(searchPending); } return; }
  busy(searchPending);  // still busy when the search box changed meanwhile (its reload is coming)
  loaded = fresh;
  nextCursor = cursor;
  pagesLoaded = count;
  renderQueue();
}

async function loadMore() {
  if (!nextCursor || queueList.getAttribute("aria-busy") === "true") return;  // a reload in flight wins
  const ticket = ++queueRequest;
  busy(true);
  try {
    const page = await call("GET", `/answers?${queueQuery({cursor: nextCursor})}`);
    if (ticket !== queueRequest) return;
    for (const item of page.items) if (!loaded.has(item.answer_id)) loaded.set(item.answer_id, item);
    nextCursor = page.next_cursor;
    pagesLoaded += 1;
    busy(searchPending);
    renderQueue();
  } catch (error) { if (ticket === queueRequest) { say(error.message, true); busy(searchPending); } }
}

function busy(loading) {
  // While the queue is being read (or a search is about to be), it says so, and cannot page on stale filters.
  queueList.setAttribute("aria-busy", String(loading));
  if (loading) moreButton.hidden = true;
}

function queueEntry(item) {
  const li = document.createElement("li");
  li.dataset.id = item.answer_id;
  li.dataset.status = item.status;
  li.dataset.audience = item.audience;
  if (current && current.answer_id === item.answer_id) li.classList.add("selected");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "queue-item";
  const question = document.createElement("span");
  question.className = "question";
  question.textContent = item.understood_as;
  const meta = document.createElement("span");
  meta.className = "when";
  const badge = document.createElement("span");
  badge.className = `badge status-${item.status}`;
  badge.textContent = statusLabel(item.status) + (item.claimed_by ? ` (${item.claimed_by})` : "");
  meta.appendChild(badge);
  if (item.audience === "patient") {
    const patient = document.createElement("span");
    patient.className = "badge patient";
    patient.textContent = "patient";
    meta.appendChild(patient);
  }
  meta.append(` ${item.statements} statement(s) · ${item.created_at.slice(0, 16).replace("T", " ")} · ${item.answer_id}`);
  button.append(question, meta);
  button.addEventListener("click", () => open(item.answer_id));
  li.appendChild(button);
  return li;
}

function renderQueue() {
  queueList.replaceChildren(...[...loaded.values()].map(queueEntry));
  moreButton.hidden = !nextCursor || searchPending;
  const more = nextCursor ? "; more to load" : "";
  document.getElementById("queue-count").textContent =
    loaded.size ? `${loaded.size} answer(s) shown${more}` : "No answer matches.";
}

// ---------------------------------------------------------------- one answer

async function open(answerId) {
  try {
    const data = await call("GET", `/ui/answers/${encodeURIComponent(answerId)}`);
    show(data.answer, data.html);
    queueList.querySelectorAll("li").forEach((li) => li.classList.toggle("selected", li.dataset.id === answerId));
  } catch (error) { say(error.message, true); }
}

function editable(answer) {
  return answer.review.status === "under_review" && answer.review.reviewer === me();
}

const answerBox = document.getElementById("answer");

function show(answer, html) {
  current = answer;
  const review = answer.review;
  const mine = editable(answer);
  const other = review.status === "under_review" && review.reviewer !== me();
  document.getElementById("detail").hidden = false;
  document.getElementById("answer").innerHTML = html;  // rendered and escaped by the server
  const who = review.reviewer ? ` (${review.reviewer})` : "";
  const state = document.getElementById("state");
  state.textContent = `${statusLabel(review.status)}${who} · v${review.version}${answer.audience === "patient" ? " · patient answer" : ""}`;
  state.className = `state status-${review.status}`;
  const claim = document.getElementById("claim");
  claim.hidden = mine;
  claim.textContent = other ? `Take over from ${review.reviewer}` : review.status === "submitted" ? "Claim for review" : "Reopen for review";
  for (const id of ["release", "approve", "reject", "comment"]) document.getElementById(id).hidden = !mine;
  document.getElementById("pin").hidden = !mine;
  document.getElementById("edit-hint").textContent = mine ? "" :
    other ? `Claimed by ${review.reviewer}: only they may change it.` : "Claim the answer to judge evidence, remove statements or pin passages.";
  if (mine) addRemoveButtons();
  const body = document.querySelector("#evidence tbody");
  body.replaceChildren(...answer.evidence.map((ev) => evidenceRow(ev, mine)));
  document.getElementById("pin-results").replaceChildren();
}

function addRemoveButtons() {
  // One "Remove" control after each statement (after its reference numbers).
  document.querySelectorAll("#answer .statement").forEach((statement, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "remove-statement";
    button.textContent = "Remove";
    const words = statement.textContent.trim();
    button.setAttribute("aria-label", `Remove statement ${i + 1}: ${words.length > 60 ? words.slice(0, 60) + "…" : words}`);
    const [a, b] = statement.dataset.span.split(",").map(Number);
    button.addEventListener("click", () =>
      change(`/answers/${current.answer_id}/statements/remove`, {chunk_id: statement.dataset.chunkId, span: [a, b]}, "Statement removed"));
    let after = statement;
    let next = statement.nextElementSibling;
    while (next && !next.classList.contains("statement") && next.tagName !== "BUTTON") { after = next; next = next.nextElementSibling; }
    after.after(" ", button);
  });
}

function cell(...parts) {
  const td = document.createElement("td");
  for (const part of parts) {
    if (part === null || part === undefined || part === "") continue;
    td.append(typeof part === "string" || typeof part === "number" ? String(part) : part);
  }
  return td;
}

function line(className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

function untitled(ev) {
  // Some sources (PubMedQA abstracts) have no title: say so, with the passage's opening words.
  const words = ev.text.length > 70 ? ev.text.slice(0, 70).trimEnd() + "…" : ev.text;
  return `Untitled ${ev.kind}: “${words}”`;
}

function scoresOf(ev) {
  const s = ev.scores;
  const numbers = line("scores", `${s.fused.toFixed(3)} · ${s.bm25.toFixed(2)} · ${s.dense.toFixed(3)}`);
  if (!ev.pinned) return [numbers];
  if (!s.fused && !s.bm25 && !s.dense) return [line("scores", "—"), line("rank-note", "pinned; not scored")];  // pinned before scoring
  const ranks = [s.bm25_rank ? `BM25 #${s.bm25_rank}` : "", s.dense_rank ? `dense #${s.dense_rank}` : ""].filter(Boolean);
  const note = ranks.length ? `pinned; for this question: ${ranks.join(", ")}` :
    s.fused ? "pinned; ranked for this question" : "pinned; not retrieved for this question";
  return [numbers, line("rank-note", note)];
}

function evidenceRow(ev, mine) {
  const row = document.createElement("tr");
  row.dataset.chunkId = ev.chunk_id;
  if (ev.judgment) row.className = `judged-${ev.judgment}`;
  if (ev.pinned) row.classList.add("pinned");
  const title = line("title", ev.title || untitled(ev));
  const meta = line("meta", [ev.kind, ev.source, ev.year].filter(Boolean).join(" · "));
  const locator = line("locator", ev.locator);
  // A research passage's study: design (and how it is known), size, year, journal; the basis on hover.
  const study = ev.study && ev.study.line ? [line("study", ev.study.line)] : [];
  if (study.length && ev.study.basis.length) study[0].title = `${ev.study.status}: ${ev.study.basis.join(", ")}`;
  row.append(cell(ev.pinned ? "pinned" : ev.rank), cell(title, meta, ...study, locator), cell(...scoresOf(ev)),
             cell(ev.cited ? "yes" : ""));
  const actions = document.createElement("td");
  actions.className = "judge";
  if (mine) {
    for (const [label, text] of LABELS) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.dataset.label = label;
      button.setAttribute("aria-pressed", String(ev.judgment === label));
      if (ev.judgment === label) button.classList.add("chosen");
      button.addEventListener("click", () => change(`/answers/${current.answer_id}/judgments`, {chunk_id: ev.chunk_id, label: label}, "Judgment saved"));
      actions.appendChild(button);
    }
  } else if (ev.judgment) {
    actions.append(ev.judgment.replace("_", " "));
  }
  const view = document.createElement("button");
  view.type = "button";
  view.className = "view-passage";
  view.textContent = "Passage";
  view.setAttribute("aria-label", `Passage ${ev.rank}`);
  // an editor who holds the answer can quote any passage of its evidence, retrieved or pinned
  view.addEventListener("click", () => showPassage(ev, view, mine));
  actions.appendChild(view);
  if (mine && ev.pinned) {
    const place = document.createElement("button");
    place.type = "button";
    place.className = "place-open";
    place.textContent = "Place a sentence";
    place.setAttribute("aria-label", `Place a sentence of passage ${ev.rank} in the answer`);
    place.addEventListener("click", () => showPassage(ev, place, true));
    actions.appendChild(place);
  }
  row.appendChild(actions);
  return row;
}

function showPassage(ev, opener, placing) {
  // The passage opens in a side panel beside the table; the cited span is the first statement quoting it.
  const statement = document.querySelector(`#answer .statement[data-chunk-id="${CSS.escape(ev.chunk_id)}"]`);
  const [a, b] = statement ? statement.dataset.span.split(",").map(Number) : [0, 0];
  const mark = document.createElement("mark");
  mark.textContent = ev.text.slice(a, b);
  document.getElementById("review-passage-title").textContent = `${ev.pinned ? "Pinned" : "#" + ev.rank} ${ev.title || untitled(ev)}`;
  document.getElementById("review-passage-meta").textContent = [ev.kind, ev.source, ev.year, ev.locator].filter(Boolean).join(" · ");
  document.getElementById("passage-text").replaceChildren(ev.text.slice(0, a), mark, ev.text.slice(b));
  document.querySelectorAll("#evidence tr.viewing").forEach((tr) => tr.classList.remove("viewing"));
  const row = opener.closest("tr");
  if (row) row.classList.add("viewing");
  passageOpener = opener;
  sidePanel.hidden = false;
  document.body.classList.add("side-open");
  const sentences = document.getElementById("place-sentences");
  sentences.hidden = !placing;
  document.getElementById("sentence-list").replaceChildren();
  if (placing) listSentences(ev);
  if (b > a) mark.scrollIntoView({block: "nearest"});
  sidePanel.focus({preventScroll: true});
}

async function listSentences(ev) {
  // The passage's quotable sentences (as the index cleaned them): each can be quoted into the answer.
  const list = document.getElementById("sentence-list");
  try {
    const chunk = await call("GET", `/chunks/${encodeURIComponent(ev.chunk_id)}`);
    if (chunk.text !== ev.text) { say("This passage changed in the index since it was pinned: pin it again.", true); return; }
    const placed = new Set([...document.querySelectorAll(`#answer .statement[data-chunk-id="${CSS.escape(ev.chunk_id)}"]`)]
      .map((statement) => statement.dataset.span));
    list.replaceChildren(...chunk.statements.map((sentence, i) => {
      const li = document.createElement("li");
      const span = `${sentence.span[0]},${sentence.span[1]}`;
      li.append(line("sentence", sentence.text + (sentence.grade ? ` [${sentence.grade}]` : "")));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "place-sentence";
      button.dataset.span = span;
      const inAnswer = placed.has(span);
      button.textContent = inAnswer ? "In the answer" : "Place in answer";
      button.disabled = inAnswer;
      button.setAttribute("aria-label", `Place sentence ${i + 1} in the answer`);
      button.addEventListener("click", () => change(`/answers/${current.answer_id}/statements/place`,
        {chunk_id: ev.chunk_id, span: sentence.span}, "Sentence placed in the answer"));
      li.append(" ", button);
      return li;
    }));
    if (!chunk.statements.length) list.replaceChildren(line("note", "No sentence of this passage can be quoted."));
  } catch (error) { say(error.message, true); }
}

function closePassage(restoreFocus) {
  if (sidePanel.hidden) return;
  sidePanel.hidden = true;
  document.body.classList.remove("side-open");
  document.querySelectorAll("#evidence tr.viewing").forEach((tr) => tr.classList.remove("viewing"));
  if (restoreFocus && passageOpener && passageOpener.isConnected) passageOpener.focus();
}

async function change(url, body, done) {
  try {
    const answer = await call("POST", url, {...body, version: current.review.version});
    const data = await call("GET", `/ui/answers/${encodeURIComponent(answer.answer_id)}`);
    closePassage(false);
    show(data.answer, data.html);
    say(`${done || "Saved"} (v${answer.review.version}).`, false);
    // The control used is gone with the old rendering: a keyboard user goes on from the answer, not the page top.
    answerBox.focus({preventScroll: true});
  } catch (error) { say(error.message, true); }
  await loadQueue(Math.max(pagesLoaded, 1));  // the queue shows every entry's stored state after any action
}

// ---------------------------------------------------------------- pinning a passage

async function searchToPin(query) {
  const results = document.getElementById("pin-results");
  try {
    const hits = await call("GET", `/search?${new URLSearchParams({q: query, k: "8"})}`);
    const inAnswer = new Set(current.evidence.map((e) => e.chunk_id));
    results.replaceChildren(...hits.map((hit) => {
      const li = document.createElement("li");
      li.append(line("title", hit.title || hit.doc_id),
                line("meta", [hit.kind, hit.source, hit.year, hit.locator].filter(Boolean).join(" · ")),
                line("snippet", hit.text.length > 240 ? hit.text.slice(0, 240) + "…" : hit.text));
      const pin = document.createElement("button");
      pin.type = "button";
      pin.className = "pin-passage";
      pin.dataset.chunkId = hit.chunk_id;
      pin.textContent = inAnswer.has(hit.chunk_id) ? "In the evidence" : "Pin";
      pin.disabled = inAnswer.has(hit.chunk_id);
      pin.setAttribute("aria-label", `Pin: ${hit.title || hit.doc_id}`);
      pin.addEventListener("click", () => change(`/answers/${current.answer_id}/evidence`, {chunk_id: hit.chunk_id}, "Passage pinned"));
      li.appendChild(pin);
      return li;
    }));
    if (!hits.length) say("No passage found.", false);
  } catch (error) { say(error.message, true); }
}

// ---------------------------------------------------------------- wiring

document.getElementById("queue-form").addEventListener("submit", (event) => { event.preventDefault(); loadQueue(1); });
document.getElementById("status-filter").addEventListener("change", () => loadQueue(1));
document.getElementById("audience-filter").addEventListener("change", () => loadQueue(1));
document.getElementById("queue-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchPending = true;
  busy(true);
  searchTimer = setTimeout(() => loadQueue(1), 300);
});
moreButton.addEventListener("click", loadMore);
document.getElementById("pin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = document.getElementById("pin-query").value.trim();
  if (query) searchToPin(query);
});
document.getElementById("claim").addEventListener("click", () => {
  const other = current.review.status === "under_review" && current.review.reviewer !== me();
  change(`/answers/${current.answer_id}/claim`, other ? {take_over: true} : {}, "Claimed");
});
document.getElementById("release").addEventListener("click", () => change(`/answers/${current.answer_id}/release`, {}, "Released"));
for (const decision of ["approve", "reject"]) {
  document.getElementById(decision).addEventListener("click", () =>
    change(`/answers/${current.answer_id}/${decision}`, {comment: document.getElementById("comment").value || null},
           decision === "approve" ? "Approved" : "Rejected"));
}
document.getElementById("review-passage-close").addEventListener("click", () => closePassage(true));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !sidePanel.hidden) { event.preventDefault(); closePassage(true); }
});
