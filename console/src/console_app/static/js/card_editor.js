// Create / Edit a card: name, description and its rule, built from conditions in nested
// ALL/ANY groups with the same builder as segments; errors shown next to the condition.
import { api, fields as loadFields, ApiError } from "./api.js";
import { h, toast } from "./dom.js";
import { fromDoc, nextId, groupEditor, reportProblems, toDoc } from "./builder.js";
import { conditionGrammar } from "./conditions.js";

export function renderCardEditor(main, cardId) {
  let stopped = false;
  (async () => {
    const [fieldList, existing] = await Promise.all([
      loadFields(), cardId ? api(`/cards/${cardId}`) : Promise.resolve(null),
    ]);
    if (stopped) return;
    build(main, conditionGrammar(fieldList.filter((f) => f.filterable !== false)), existing);
  })().catch((error) => {
    if (!stopped) main.append(h("p", { class: "error-text", role: "alert" }, `Cannot open the editor: ${error instanceof ApiError ? error.detail : error}`));
  });
  return () => { stopped = true; };
}

function build(main, grammar, existing) {
  const isStatic = existing?.kind === "static";
  const rule = fromDoc(existing?.rule ?? null, grammar);
  if (!existing) rule.children.push({ type: "rule", id: nextId(), ...grammar.newLeaf() });
  const name = h("input", { id: "card-name", type: "text", required: true, maxlength: "200", value: existing?.name ?? "", autocomplete: "off" });
  const description = h("textarea", { id: "card-description", rows: "2" }, existing?.description ?? "");
  const nameError = h("p", { class: "error-text", role: "alert" });
  const formError = h("p", { class: "error-text form-error", role: "alert" });
  const filters = h("fieldset", { class: "filters" }, h("legend", {}, "Filters"),
    isStatic
      ? h("p", { class: "muted" }, "An uploaded list has no rule: upload its members again to change them.")
      : h("section", { class: "block include", "aria-label": "Rule" }, groupEditor(rule, grammar, () => {})));

  const groups = isStatic ? [] : [rule];
  const report = (problems) => reportProblems({ filters, groups, nameError, formError }, problems);

  async function save(event) {
    event.preventDefault();
    const body = { name: name.value.trim(), description: description.value.trim() };
    const problems = [];
    if (!body.name) problems.push({ loc: "name", msg: "Give the card a name." });
    if (!isStatic) {
      const { doc, problems: ruleProblems } = toDoc(rule, "rule", grammar);
      problems.push(...ruleProblems);
      if (!doc) problems.push({ loc: "rule", msg: "Add at least one rule." });
      body.rule = doc;
    }
    if (!report(problems)) return;
    try {
      const saved = existing
        ? await api(`/cards/${existing.id}`, { method: "PUT", body })
        : await api("/cards", { method: "POST", body });
      toast(`Saved "${saved.name}".`);
      location.hash = "#/cards";
      return saved;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      report(error.errors.length ? error.errors : [{ loc: "", msg: error.detail }]);
    }
    return null;
  }

  const form = h("form", { class: "editor", novalidate: true, onsubmit: save },
    h("div", { class: "field-row" }, h("label", { for: "card-name" }, "Name"), name, nameError),
    h("div", { class: "field-row" }, h("label", { for: "card-description" }, "Description"), description),
    filters,
    h("div", { class: "toolbar" },
      h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/cards" }, "Cancel"),
      h("button", { type: "submit", class: "btn primary" }, "Save")),
    formError);
  main.append(h("div", { class: "page-head" },
    h("h1", { tabindex: "-1" }, existing ? `Edit "${existing.name}"` : "Create Card")), form);
  main.dataset.loaded = "true";
  name.focus();
}
