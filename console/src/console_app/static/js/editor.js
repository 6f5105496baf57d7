// Create / Edit: name, description, Filters (include and exclude), Execute, results, Save.
import { api, ApiError } from "./api.js";
import { h, clear, numberFormat, toast } from "./dom.js";
import { emptyGroup, fromDoc, groupEditor, reportProblems, toDoc } from "./builder.js";
import { CARD, SEGMENT, listOf } from "./kinds.js";
import { refGrammar } from "./refs.js";
import { resultsTable } from "./table.js";

export function renderEditor(main, segmentId) {
  let stopped = false;
  (async () => {
    const [cards, segments, existing] = await Promise.all([
      listOf(CARD), listOf(SEGMENT), segmentId ? api(`/segments/${segmentId}`) : Promise.resolve(null),
    ]);
    if (stopped) return;
    build(main, refGrammar({ cards, segments, selfId: segmentId }), existing);
  })().catch((error) => {
    if (!stopped) main.append(h("p", { class: "error-text", role: "alert" }, `Cannot open the editor: ${error instanceof ApiError ? error.detail : error}`));
  });
  return () => { stopped = true; };
}

function build(main, grammar, existing) {
  const include = existing ? fromDoc(existing.include, grammar) : emptyGroup("and");
  const exclude = existing?.exclude ? fromDoc(existing.exclude, grammar) : emptyGroup("or");
  const name = h("input", { id: "segment-name", type: "text", required: true, maxlength: "200", value: existing?.name ?? "", autocomplete: "off" });
  const description = h("textarea", { id: "segment-description", rows: "2" }, existing?.description ?? "");
  const nameError = h("p", { class: "error-text", dataset: { errorFor: "name" }, role: "alert" });
  const formError = h("p", { class: "error-text form-error", role: "alert" });
  const countOut = h("output", { class: "exec-count", "aria-live": "polite" });
  const resultsHolder = h("div", { class: "results-holder" });
  const stale = () => { countOut.textContent = countOut.textContent ? "Filters changed: press Execute again." : ""; };
  const includeEl = groupEditor(include, grammar, stale);
  const excludeEl = groupEditor(exclude, grammar, stale);
  const filters = h("fieldset", { class: "filters" },
    h("legend", {}, "Filters"),
    h("section", { "aria-labelledby": "include-title", class: "block include" },
      h("h3", { id: "include-title" }, "Include"), includeEl),
    h("section", { "aria-labelledby": "exclude-title", class: "block exclude" },
      h("h3", { id: "exclude-title" }, "Exclude"),
      h("p", { class: "muted" }, "Players matching these rules are removed from the result."), excludeEl));

  function definition() {
    const inc = toDoc(include, "include", grammar);
    const exc = toDoc(exclude, "exclude", grammar);
    const problems = [...inc.problems, ...exc.problems];
    if (!inc.doc) problems.push({ loc: "include", msg: "Add at least one rule to Include." });
    return { def: { include: inc.doc, exclude: exc.doc }, problems };
  }

  const report = (problems) => reportProblems({ filters, groups: [include, exclude], nameError, formError }, problems);

  let table = null;
  async function execute() {
    const { def, problems } = definition();
    if (!report(problems)) return;
    countOut.textContent = "Executing…";
    const source = { kind: "definition", definition: def };
    const onError = (error) => {
      countOut.textContent = "";
      if (error instanceof ApiError) report(error.errors.length ? error.errors : [{ loc: "", msg: error.detail }]);
    };
    const onCount = (total) => { countOut.textContent = `${numberFormat.format(total)} players match`; };
    if (!table) {
      table = resultsTable({ source, storageKey: `console:columns:segment:${existing?.id ?? "new"}`, onCount, onError });
      clear(resultsHolder).append(table.element);
      await table.start();
    } else {
      await table.setSource(source);
    }
  }

  async function save(event) {
    event.preventDefault();
    const { def, problems } = definition();
    if (!name.value.trim()) problems.push({ loc: "name", msg: "Give the segment a name." });
    if (!report(problems)) return;
    const body = { name: name.value.trim(), description: description.value.trim(), include: def.include, exclude: def.exclude };
    try {
      const saved = existing
        ? await api(`/segments/${existing.id}`, { method: "PUT", body })
        : await api("/segments", { method: "POST", body });
      // Column Settings chosen before saving stay with the new segment.
      const draft = localStorage.getItem("console:columns:segment:new");
      if (!existing && draft) localStorage.setItem(`console:columns:segment:${saved.id}`, draft);
      toast(`Saved "${saved.name}".`);
      location.hash = "#/segments";
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      report(error.errors.length ? error.errors : [{ loc: error.status === 409 ? "name" : "", msg: error.detail }]);
    }
  }

  const form = h("form", { class: "editor", novalidate: true, onsubmit: save },
    h("div", { class: "field-row" }, h("label", { for: "segment-name" }, "Name"), name, nameError),
    h("div", { class: "field-row" }, h("label", { for: "segment-description" }, "Description"), description),
    filters,
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "btn", onclick: () => execute() }, "Execute"),
      countOut,
      h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/segments" }, "Cancel"),
      h("button", { type: "submit", class: "btn primary" }, "Save")),
    formError);
  main.append(
    h("div", { class: "page-head" },
      h("h1", { tabindex: "-1" }, existing ? `Edit "${existing.name}"` : "Create Segment")),
    form, resultsHolder);
  main.dataset.loaded = "true";
  name.focus();
}
