// The editor's review page. All document text is set with textContent or arrives escaped
// from the server's renderer; every change sends the version it was made against.
"use strict";

const LABELS = [["relevant", "Relevant"], ["partly", "Partly"], ["not_relevant", "Not relevant"]];
const statusLine = document.getElementById("status");
const tokenInput = document.getElementById("token");
let current = null;  // the answer being reviewed (JSON)

tokenInput.value = sessionStorage.getItem("medcite-token") || "";

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? "error" : "";
}

async function call(method, url, body) {
  sessionStorage.setItem("medcite-token", tokenInput.value.trim());
  const response = await fetch(url, {
    method: method,
    headers: {"Authorization": `Bearer ${tokenInput.value.trim()}`, "Content-Type": "application/json"},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
    throw new Error(detail || `The server answered ${response.status}.`);
  }
  return data;
}

async function loadQueue(cursor) {
  // The queue comes a page of summaries at a time; "More" fetches the next page.
  const status = document.getElementById("status-filter").value;
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  try {
    const page = await call("GET", `/answers?${query}`);
    const list = document.getElementById("queue");
    if (!cursor) list.replaceChildren();
    list.querySelectorAll("li.more").forEach((li) => li.remove());
    for (const answer of page.items) {
      const item = document.createElement("li");
      item.dataset.id = answer.answer_id;
      item.textContent = answer.understood_as;
      const when = document.createElement("span");
      when.className = "when";
      const who = answer.claimed_by ? ` (${answer.claimed_by})` : "";
      when.textContent = `${answer.status.replace("_", " ")}${who} · ${answer.statements} statement(s) · ${answer.updated_at}`;
      item.appendChild(when);
      item.addEventListener("click", () => open(answer.answer_id));
      list.appendChild(item);
    }
    if (page.next_cursor) {
      const more = document.createElement("li");
      more.className = "more";
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "More";
      button.addEventListener("click", () => loadQueue(page.next_cursor));
      more.appendChild(button);
      list.appendChild(more);
    }
    const shown = list.querySelectorAll("li[data-id]").length;
    say(shown ? `${shown} answer(s)${page.next_cursor ? ", more below" : ""}` : "Nothing in this queue.", false);
  } catch (error) { say(error.message, true); }
}

async function open(answerId) {
  try {
    const data = await call("GET", `/ui/answers/${encodeURIComponent(answerId)}`);
    show(data.answer, data.html);
    document.querySelectorAll("#queue li").forEach((li) => li.classList.toggle("selected", li.dataset.id === answerId));
  } catch (error) { say(error.message, true); }
}

function show(answer, html) {
  current = answer;
  document.getElementById("detail").hidden = false;
  document.getElementById("answer").innerHTML = html;  // rendered and escaped by the server
  const review = answer.review;
  const who = review.reviewer ? ` (${review.reviewer})` : "";
  document.getElementById("state").textContent = `${review.status.replace("_", " ")}${who} · v${review.version}`;
  const body = document.querySelector("#evidence tbody");
  body.replaceChildren();
  for (const ev of answer.evidence) body.appendChild(evidenceRow(ev));
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  return td;
}

function evidenceRow(ev) {
  const row = document.createElement("tr");
  row.dataset.chunkId = ev.chunk_id;
  if (ev.judgment) row.className = `judged-${ev.judgment}`;
  row.append(cell(ev.rank), cell(ev.kind), cell(ev.title || ev.doc_id), cell(ev.year), cell(ev.locator),
             cell(ev.scores.fused.toFixed(4)), cell(ev.scores.bm25.toFixed(2)), cell(ev.scores.dense.toFixed(3)),
             cell(ev.pinned ? "pinned" : ev.cited ? "yes" : ""));
  const actions = document.createElement("td");
  for (const [label, text] of LABELS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.dataset.label = label;
    if (ev.judgment === label) button.classList.add("chosen");
    button.addEventListener("click", () => change(`/answers/${current.answer_id}/judgments`, {chunk_id: ev.chunk_id, label: label}));
    actions.appendChild(button);
  }
  const view = document.createElement("button");
  view.type = "button";
  view.textContent = "Passage";
  view.addEventListener("click", () => showPassage(ev));
  actions.appendChild(view);
  row.appendChild(actions);
  return row;
}

function showPassage(ev) {
  // The cited span is the first statement quoting this passage, if any.
  const statement = document.querySelector(`#answer .statement[data-chunk-id="${CSS.escape(ev.chunk_id)}"]`);
  const [a, b] = statement ? statement.dataset.span.split(",").map(Number) : [0, 0];
  const mark = document.createElement("mark");
  mark.textContent = ev.text.slice(a, b);
  const quote = document.getElementById("passage-text");
  quote.replaceChildren(ev.text.slice(0, a), mark, ev.text.slice(b));
  quote.hidden = false;
}

async function change(url, body) {
  try {
    const answer = await call("POST", url, {...body, version: current.review.version});
    const data = await call("GET", `/ui/answers/${encodeURIComponent(answer.answer_id)}`);
    show(data.answer, data.html);
    say(`Saved (v${answer.review.version}).`, false);
  } catch (error) { say(error.message, true); }
}

document.getElementById("queue-form").addEventListener("submit", (event) => { event.preventDefault(); loadQueue(null); });
document.getElementById("claim").addEventListener("click", () => change(`/answers/${current.answer_id}/claim`, {}));
for (const decision of ["approve", "reject"]) {
  document.getElementById(decision).addEventListener("click", () =>
    change(`/answers/${current.answer_id}/${decision}`, {comment: document.getElementById("comment").value || null}));
}
