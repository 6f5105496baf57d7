// A three-dots menu button: arrow keys move, Escape closes and returns focus.
import { h } from "./dom.js";

let openMenu = null;
document.addEventListener("click", (e) => {
  if (openMenu && !openMenu.root.contains(e.target)) openMenu.close(false);
});

export function dotsMenu(label, items) {
  const list = h("ul", { class: "menu", role: "menu", hidden: true });
  const button = h("button", {
    type: "button", class: "dots", "aria-label": label, "aria-haspopup": "menu", "aria-expanded": "false",
  }, "⋯");
  const root = h("div", { class: "menu-wrap" }, button, list);
  const entries = items.map(({ text, run, danger }) => {
    const item = h("button", {
      type: "button", role: "menuitem", tabindex: "-1", class: danger ? "danger" : "",
      onclick: () => { state.close(false); run(); },
    }, text);
    list.append(h("li", { role: "none" }, item));
    return item;
  });
  const state = {
    root,
    close(focus) {
      list.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (openMenu === state) openMenu = null;
      if (focus) button.focus();
    },
    open() {
      if (openMenu) openMenu.close(false);
      list.hidden = false;
      button.setAttribute("aria-expanded", "true");
      openMenu = state;
      entries[0].focus();
    },
  };
  button.addEventListener("click", (e) => {
    e.stopPropagation();
    if (list.hidden) state.open(); else state.close(true);
  });
  list.addEventListener("keydown", (e) => {
    const index = entries.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); state.close(true); }
    else if (e.key === "ArrowDown") { e.preventDefault(); entries[(index + 1) % entries.length].focus(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); entries[(index - 1 + entries.length) % entries.length].focus(); }
    else if (e.key === "Tab") state.close(false);
  });
  return root;
}
