// Segment rules: references to cards and other segments, chosen with a searchable picker
// that shows each one's live count.
import { h, clear, numberFormat } from "./dom.js";

// A press outside an open picker closes it (pointerdown: before the click that may open another).
document.addEventListener("pointerdown", (e) => {
  for (const pop of document.querySelectorAll(".picker-pop:not([hidden])")) {
    const root = pop.parentElement;
    if (!root.contains(e.target)) root.querySelector(".picker-button")?.click();
  }
});

function picker(rule, catalog, onPick) {
  const listId = `${rule.id}-options`;
  const search = h("input", {
    type: "search", placeholder: "Search cards by name", "aria-label": "Search cards and segments by name",
    "aria-controls": listId, autocomplete: "off", class: "picker-search",
  });
  const options = h("ul", { class: "options", id: listId, "aria-label": "Cards and segments" });
  const pop = h("div", { class: "picker-pop", hidden: true }, search, options);
  const label = () => (rule.ref
    ? `${rule.ref.kind === "segment" ? "Segment: " : "Card: "}${rule.ref.name} (${numberFormat.format(rule.ref.count ?? 0)})`
    : "Choose a card…");
  const toggle = h("button", {
    type: "button", class: "btn picker-button", "aria-expanded": "false", "aria-controls": listId,
    onclick: () => (pop.hidden ? show() : hide(false)),
  }, label());

  function choices() {
    const needle = search.value.trim().toLowerCase();
    const match = (x) => !needle || x.name.toLowerCase().includes(needle);
    return [
      // A card's own "kind" (rule or static) must not override the reference kind.
      ...catalog.cards.filter(match).map((c) => ({ ...c, kind: "card" })),
      ...catalog.segments.filter((s) => s.id !== catalog.selfId).filter(match).map((s) => ({ ...s, kind: "segment" })),
    ];
  }
  function renderOptions() {
    clear(options);
    const list = choices();
    if (!list.length) options.append(h("li", { class: "muted" }, "No card or segment matches."));
    for (const choice of list) {
      options.append(h("li", {},
        h("button", {
          type: "button", class: "option", dataset: { kind: choice.kind, refId: choice.id },
          onclick: () => pick(choice),
        },
        h("span", { class: "option-kind" }, choice.kind === "card" ? "Card" : "Segment"),
        h("span", { class: "option-name" }, choice.name),
        h("span", { class: "option-count" }, numberFormat.format(choice.count ?? 0)))));
    }
  }
  function pick(choice) {
    rule.ref = { kind: choice.kind, id: choice.id, name: choice.name, count: choice.count };
    toggle.textContent = label();
    hide(true);
    onPick();
  }
  function show() {
    pop.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    renderOptions();
    search.focus();
  }
  function hide(focus) {
    pop.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (focus) toggle.focus();
  }
  const buttons = () => [...options.querySelectorAll("button")];
  search.addEventListener("input", renderOptions);
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); const first = choices()[0]; if (first) pick(first); }
    if (e.key === "Escape") { e.preventDefault(); hide(true); }
    if (e.key === "ArrowDown") { e.preventDefault(); buttons()[0]?.focus(); }
  });
  options.addEventListener("keydown", (e) => {
    const list = buttons();
    const at = list.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); hide(true); }
    if (e.key === "ArrowDown") { e.preventDefault(); list[Math.min(at + 1, list.length - 1)]?.focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); if (at <= 0) search.focus(); else list[at - 1].focus(); }
  });
  return h("div", { class: "picker" }, toggle, pop);
}

/** The builder grammar of segment definitions over ``catalog`` ({cards, segments, selfId}). */
export function refGrammar(catalog) {
  return {
    keys: { and: "and", or: "or" },
    leaf(doc) {
      const kind = "card" in doc ? "card" : "segment";
      const id = Number(doc[kind]);
      const known = (kind === "card" ? catalog.cards : catalog.segments).find((x) => x.id === id);
      return { ref: { kind, id, name: known?.name ?? `${kind} ${id}`, count: known?.count } };
    },
    leafDoc(rule) {
      if (!rule.ref) return { problem: "Choose a card or a segment for this rule." };
      return { doc: { [rule.ref.kind]: rule.ref.id } };
    },
    leafEditor: (rule, onChange) => picker(rule, catalog, onChange),
    newLeaf: () => ({ ref: null }),
    onAdded: (el) => el?.querySelector(".picker-button")?.click(),
  };
}
