// The router: screens are addressed by the URL fragment, e.g. #/segments/3/table.
import { h, clear } from "./dom.js";
import { CARD, SEGMENT } from "./kinds.js";
import { renderHome } from "./home.js";
import { renderEditor } from "./editor.js";
import { renderCardEditor } from "./card_editor.js";
import { renderTableView } from "./tableview.js";
import { renderActions } from "./actions.js";
import { renderLogin } from "./login.js";
import { LOGIN, apiKey, signOut, toLogin } from "./session.js";

const ROUTES = [
  [/^#\/login$/, () => (main) => renderLogin(main), "Sign in"],
  [/^#\/segments\/?$/, () => (main) => renderHome(main, SEGMENT), "Segments"],
  [/^#\/segments\/new$/, () => (main) => renderEditor(main, null), "Create Segment"],
  [/^#\/segments\/(\d+)\/edit$/, (id) => (main) => renderEditor(main, id), "Edit segment"],
  [/^#\/segments\/(\d+)\/table$/, (id) => (main) => renderTableView(main, SEGMENT, id), "Table View"],
  [/^#\/segments\/(\d+)\/actions$/, (id) => (main) => renderActions(main, SEGMENT, id), "Add Action"],
  [/^#\/cards\/?$/, () => (main) => renderHome(main, CARD), "Cards"],
  [/^#\/cards\/new$/, () => (main) => renderCardEditor(main, null), "Create Card"],
  [/^#\/cards\/(\d+)\/edit$/, (id) => (main) => renderCardEditor(main, id), "Edit card"],
  [/^#\/cards\/(\d+)\/table$/, (id) => (main) => renderTableView(main, CARD, id), "Table View"],
  [/^#\/cards\/(\d+)\/actions$/, (id) => (main) => renderActions(main, CARD, id), "Add Action"],
];

let stopCurrent = null;

function route() {
  const hash = location.hash || "#/segments";
  if (!apiKey() && hash !== LOGIN) {
    toLogin();
    return;
  }
  document.getElementById("sign-out").hidden = !apiKey();
  const main = document.getElementById("main");
  if (stopCurrent) stopCurrent();
  stopCurrent = null;
  clear(main);
  delete main.dataset.loaded;
  for (const link of document.querySelectorAll(".topbar nav a")) {
    const current = hash.startsWith(link.getAttribute("href"));
    if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  for (const [pattern, make, title] of ROUTES) {
    const match = pattern.exec(hash);
    if (!match) continue;
    document.title = `${title} · Operator console`;
    const id = match[1] === undefined ? null : Number(match[1]);
    stopCurrent = make(id)(main) || null;
    // Move focus to the new screen's heading once it is there, for keyboard and screen readers.
    requestAnimationFrame(() => main.querySelector("h1")?.focus({ preventScroll: true }));
    return;
  }
  main.append(h("h1", { tabindex: "-1" }, "Not found"),
    h("p", {}, "There is no such screen. ", h("a", { href: "#/segments" }, "Go to the Segments home.")));
}

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  location.hash = LOGIN;
});
window.addEventListener("hashchange", route);
if (!location.hash) history.replaceState(null, "", "#/segments");
route();
