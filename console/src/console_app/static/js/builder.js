// The Filters rule builder: nested AND/OR groups of rules, for segments (card and segment
// references, groups "and"/"or") and cards (conditions, groups "all"/"any"). Each node
// remembers the path it was serialized to (include.and[1], rule.all[0]), so that the API's
// errors are shown next to the rule that caused them.
import { h, clear } from "./dom.js";

let uid = 0;
export const nextId = () => `n${++uid}`;

export function emptyGroup(op = "and") {
  return { type: "group", op, children: [], id: nextId() };
}

/**
 * A grammar says how groups and rules are written: ``keys`` maps the builder's "and"/"or" to
 * the document's keys; ``leaf`` reads a rule document, ``leafDoc`` writes one ({doc} or
 * {problem}), ``leafEditor`` renders one, ``newLeaf`` makes an empty rule.
 */
export function fromDoc(doc, grammar) {
  if (!doc) return emptyGroup();
  const node = parseNode(doc, grammar);
  if (node.type === "group") return node;
  const group = emptyGroup();
  group.children.push(node);
  return group;
}

function parseNode(doc, grammar) {
  for (const op of ["and", "or"]) {
    const key = grammar.keys[op];
    if (Array.isArray(doc[key])) {
      const group = emptyGroup(op);
      group.children = doc[key].map((child) => parseNode(child, grammar));
      return group;
    }
  }
  return { type: "rule", id: nextId(), ...grammar.leaf(doc) };
}

// -> {doc, problems: [{loc, msg}]}; doc null for an empty top-level group.
export function toDoc(group, path, grammar) {
  const problems = [];
  const walk = (node, at) => {
    node.path = at;
    if (node.type === "rule") {
      const { doc, problem } = grammar.leafDoc(node);
      if (problem) problems.push({ loc: at, msg: problem });
      return doc ?? null;
    }
    if (!node.children.length) {
      problems.push({ loc: at, msg: "This group is empty: add a rule or remove it." });
      return null;
    }
    const key = grammar.keys[node.op];
    return { [key]: node.children.map((child, i) => walk(child, `${at}.${key}[${i}]`)) };
  };
  group.path = path;
  if (!group.children.length) return { doc: null, problems };
  return { doc: walk(group, path), problems };
}

/** A block ("Include", "Exclude", "Rule") editing ``group`` in place; onChange after each edit. */
export function groupEditor(group, grammar, onChange, { depth = 0, onRemove = null } = {}) {
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
      h("span", {}, "Players matching "), opSelect,
      onRemove ? h("button", { type: "button", class: "btn link", onclick: onRemove }, "Remove group") : null),
    h("p", { class: "node-error error-text", dataset: { errorFor: group.id }, role: "alert" }));
    const rows = h("ul", { class: "rules" });
    group.children.forEach((child, index) => {
      const remove = () => { group.children.splice(index, 1); render(); onChange(); };
      if (child.type === "group") {
        rows.append(h("li", {}, groupEditor(child, grammar, onChange, { depth: depth + 1, onRemove: remove })));
      } else {
        rows.append(h("li", { class: "rule", dataset: { nodeId: child.id } },
          grammar.leafEditor(child, onChange),
          h("button", { type: "button", class: "btn link", "aria-label": "Remove rule", onclick: remove }, "Remove"),
          h("p", { class: "node-error error-text", dataset: { errorFor: child.id }, role: "alert" })));
      }
    });
    el.append(rows, h("div", { class: "group-actions" },
      h("button", {
        type: "button", class: "btn add-rule",
        onclick: () => {
          const rule = { type: "rule", id: nextId(), ...grammar.newLeaf() };
          group.children.push(rule);
          render();
          onChange();
          const added = el.querySelector(`[data-node-id="${rule.id}"]`);
          grammar.onAdded?.(added);
        },
      }, "Add rule"),
      depth < 3 ? h("button", {
        type: "button", class: "btn add-group",
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

/**
 * Shows an editor's problems: each rule's next to it, the name's under the name, the rest in
 * the form's message; true when there are none.
 */
export function reportProblems({ filters, groups, nameError, formError }, problems) {
  nameError.textContent = "";
  const rest = groups.length ? showProblems(filters, groups, problems) : problems;
  const general = [];
  for (const p of rest) {
    if (p.loc === "name") nameError.textContent = p.msg;
    else general.push(p.loc ? `${p.loc}: ${p.msg}` : p.msg);
  }
  formError.textContent = general.join(" ");
  return problems.length === 0;
}
