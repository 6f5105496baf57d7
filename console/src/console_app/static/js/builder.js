// The Filters rule builder: include/exclude blocks of AND/OR groups, nested, of card and
// segment references. Each node remembers the path it was serialized to (include.and[1]), so
// the API's errors are shown next to the rule that caused them.
import { h, clear, numberFormat } from "./dom.js";

let uid = 0;
const nextId = () => `n${++uid}`;

export function emptyGroup(op = "and") {
  return { type: "group", op, children: [], id: nextId() };
}

export function fromDoc(doc, catalog) {
  if (!doc) return emptyGroup();
  const node = parseNode(doc, catalog);
  if (node.type === "group") return node;
  const group = emptyGroup();
  group.children.push(node);
  return group;
}

function parseNode(doc, catalog) {
  for (const op of ["and", "or"]) {
    if (Array.isArray(doc[op])) {
      const group = emptyGroup(op);
      group.children = doc[op].map((child) => parseNode(child, catalog));
      return group;
    }
  }
  const kind = "card" in doc ? "card" : "segment";
  const id = Number(doc[kind]);
  const known = (kind === "card" ? catalog.cards : catalog.segments).find((x) => x.id === id);
  return { type: "rule", id: nextId(), ref: { kind, id, name: known?.name ?? `${kind} ${id}`, count: known?.count } };
}

// -> {doc, problems: [{path, msg}]}; doc null for an empty block.
export function toDoc(group, path) {
  const problems = [];
  const walk = (node, at) => {
    node.path = at;
    if (node.type === "rule") {
      if (!node.ref) { problems.push({ loc: at, msg: "Choose a card or a segment for this rule." }); return null; }
      return { [node.ref.kind]: node.ref.id };
    }
    if (!node.children.length) { problems.push({ loc: at, msg: "This group is empty: add a rule or remove it." }); return null; }
    return { [node.op]: node.children.map((child, i) => walk(child, `${at}.${node.op}[${i}]`)) };
  };
  if (!group.children.length) return { doc: null, problems };
  const doc = walk(group, path);
  return { doc, problems };
}

function picker(rule, catalog, onPick) {
  const listId = `${rule.id}-options`;
  const search = h("input", {
    type: "search", placeholder: "Search cards by name", "aria-label": "Search cards and segments by name",
    "aria-controls": listId, autocomplete: "off",
  });
  const options = h("ul", { class: "options", id: listId, "aria-label": "Cards and segments" });
  const pop = h("div", { class: "picker-pop", hidden: true }, search, options);
  const label = () => (rule.ref
    ? `${rule.ref.kind === "segment" ? "Segment: " : ""}${rule.ref.name} (${numberFormat.format(rule.ref.count ?? 0)})`
    : "Choose a card…");
  const toggle = h("button", {
    type: "button", class: "btn picker-button", "aria-expanded": "false", "aria-controls": listId,
    onclick: () => (pop.hidden ? show() : hide(false)),
  }, label());

  function choices() {
    const needle = search.value.trim().toLowerCase();
    const match = (x) => !needle || x.name.toLowerCase().includes(needle);
    return [
      ...catalog.cards.filter(match).map((c) => ({ kind: "card", ...c })),
      ...catalog.segments.filter((s) => s.id !== catalog.selfId).filter(match).map((s) => ({ kind: "segment", ...s })),
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
  search.addEventListener("input", renderOptions);
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); const first = choices()[0]; if (first) pick(first); }
    if (e.key === "Escape") { e.preventDefault(); hide(true); }
    if (e.key === "ArrowDown") { e.preventDefault(); options.querySelector("button")?.focus(); }
  });
  options.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); hide(true); } });
  return h("div", { class: "picker" }, toggle, pop);
}

/** A block ("Include" or "Exclude") editing `group` in place; onChange after every edit. */
export function groupEditor(group, catalog, onChange, { depth = 0, onRemove = null } = {}) {
  const el = h("div", { class: `group depth-${depth}`, dataset: { nodeId: group.id } });
  const render = () => {
    clear(el);
    const opSelect = h("select", {
      "aria-label": "Combine the rules of this group with",
      onchange: () => { group.op = opSelect.value; onChange(); },
    },
    h("option", { value: "and", selected: group.op === "and" }, "ALL of (AND)"),
    h("option", { value: "or", selected: group.op === "or" }, "ANY of (OR)"));
    el.append(h("div", { class: "group-head" },
      h("span", {}, "Players in "), opSelect,
      onRemove ? h("button", { type: "button", class: "btn link", onclick: onRemove }, "Remove group") : null),
    h("p", { class: "node-error error-text", dataset: { errorFor: group.id }, role: "alert" }));
    const rows = h("ul", { class: "rules" });
    group.children.forEach((child, index) => {
      const remove = () => { group.children.splice(index, 1); render(); onChange(); };
      if (child.type === "group") {
        rows.append(h("li", {}, groupEditor(child, catalog, onChange, { depth: depth + 1, onRemove: remove })));
      } else {
        rows.append(h("li", { class: "rule", dataset: { nodeId: child.id } },
          picker(child, catalog, onChange),
          h("button", { type: "button", class: "btn link", "aria-label": "Remove rule", onclick: remove }, "Remove"),
          h("p", { class: "node-error error-text", dataset: { errorFor: child.id }, role: "alert" })));
      }
    });
    el.append(rows, h("div", { class: "group-actions" },
      h("button", {
        type: "button", class: "btn",
        onclick: () => {
          const rule = { type: "rule", id: nextId(), ref: null };
          group.children.push(rule);
          render();
          onChange();
          el.querySelector(`[data-node-id="${rule.id}"] .picker-button`)?.click();
        },
      }, "Add rule"),
      depth < 3 ? h("button", {
        type: "button", class: "btn",
        onclick: () => { group.children.push(emptyGroup(group.op === "and" ? "or" : "and")); render(); onChange(); },
      }, "Add group") : null));
  };
  render();
  return el;
}

/** Puts each problem next to the node whose path is the problem's loc (or its nearest parent). */
export function showProblems(root, groups, problems) {
  for (const el of root.querySelectorAll("[data-error-for]")) el.textContent = "";
  const nodes = [];
  const collect = (node) => { nodes.push(node); if (node.type === "group") node.children.forEach(collect); };
  groups.forEach(collect);
  const leftovers = [];
  for (const problem of problems) {
    let loc = problem.loc;
    let node = null;
    while (loc && !node) {
      node = nodes.find((n) => n.path === loc) || null;
      if (!node) loc = loc.includes(".") || loc.includes("[") ? loc.replace(/(\.[^.[]+|\[\d+\])$/, "") : "";
    }
    const target = node && root.querySelector(`[data-error-for="${node.id}"]`);
    if (target) target.textContent = [target.textContent, problem.msg].filter(Boolean).join(" ");
    else leftovers.push(problem);
  }
  return leftovers;
}
