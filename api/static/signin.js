// Sign-in shared by both pages: an access token kept in sessionStorage (this tab only) and sent as
// `Authorization: Bearer …` on every call. The server decides what a token may do (api/auth.py);
// the page only asks it who the token belongs to (GET /ui/whoami) to show the right controls.
"use strict";

const medciteAuth = (() => {
  const KEY = "medcite-token";
  const listeners = [];
  let principal = null;  // {name, role} once the server accepted the token (or open access let us in)
  const form = document.getElementById("signin-form");
  const input = document.getElementById("token");
  const line = document.getElementById("signin-status");

  function token() { return sessionStorage.getItem(KEY) || ""; }

  function headers(extra) {
    const out = Object.assign({}, extra || {});
    if (token()) out["Authorization"] = `Bearer ${token()}`;
    return out;
  }

  function say(text, isError) {
    line.textContent = text;
    line.className = `signin-status${isError ? " error" : ""}`;
  }

  function render() {
    const signedIn = Boolean(token() && principal);
    document.getElementById("signed-out").hidden = signedIn;
    document.getElementById("signed-in").hidden = !signedIn;
    document.getElementById("whoami").textContent = signedIn ? `Signed in as ${principal.name} (${principal.role})` : "";
    document.body.classList.toggle("editor", Boolean(principal && principal.role === "editor" && token()));
    listeners.forEach((cb) => cb(principal && token() ? principal : null));
  }

  async function check() {
    // Who the stored token stands for; a wrong or revoked token is dropped and the reason shown.
    principal = null;
    if (!token()) { render(); return null; }
    const response = await fetch("/ui/whoami", {headers: headers()});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      sessionStorage.removeItem(KEY);
      say(typeof body.detail === "string" ? body.detail : `The server answered ${response.status}.`, true);
    } else {
      principal = body;
      say("", false);
    }
    render();
    return principal;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) { say("Enter a token.", true); return; }
    sessionStorage.setItem(KEY, value);
    input.value = "";
    await check();
    if (principal) document.getElementById("signout").focus();
  });

  document.getElementById("signout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    principal = null;
    say("Signed out.", false);
    render();
    input.focus();
  });

  return {
    token, headers, check,
    onChange(cb) { listeners.push(cb); },
    get principal() { return token() ? principal : null; },
    ready: null,
  };
})();
medciteAuth.ready = medciteAuth.check();
