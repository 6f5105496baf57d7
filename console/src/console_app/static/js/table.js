// The results table of Execute and Table View: Column Settings, sort by header, paging, CSV.
import { api, apiUrl, fields as loadFields, ApiError } from "./api.js";
import { h, clear, numberFormat, parseTime, toast } from "./dom.js";
import { authHeaders } from "./session.js";

const DEFAULT_COLUMNS = ["player_id", "bets_count", "total_wagered", "net_result", "last_bet_at"];
const PAGE_SIZE = 25;

function savedColumns(key, known) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (Array.isArray(saved)) {
      const kept = saved.filter((c) => known.has(c));
      if (kept.length) return kept;
    }
  } catch { /* a damaged entry: use the defaults */ }
  return DEFAULT_COLUMNS.filter((c) => known.has(c));
}

function display(field, value) {
  if (field?.masked) return "***";
  if (value === null || value === undefined || value === "") return "—";
  if (field && (field.type === "number" || field.type === "integer") && typeof value === "number") {
    return numberFormat.format(value);
  }
  if (field && field.type === "datetime") {
    const date = parseTime(String(value));
    return date ? date.toISOString().replace("T", " ").slice(0, 19) : String(value);
  }
  return String(value);
}

/**
 * source: {kind: "segment" | "card", id} or {kind: "definition", definition}.
 * storageKey: where Column Settings are remembered (per segment).
 * onCount(total): called with the exact count after each load.
 */
export function resultsTable({ source, storageKey, onCount = () => {}, onError = null }) {
  const state = { columns: [], sort: null, order: "asc", offset: 0, total: 0, fields: [], byName: new Map() };
  const root = h("section", { class: "results", "aria-label": "Results" });
  const status = h("p", { class: "muted", role: "status" });
  const settingsPanel = h("fieldset", { class: "column-settings", hidden: true, id: `cols-${Math.random().toString(36).slice(2)}` });
  const settingsButton = h("button", {
    type: "button", class: "btn", "aria-expanded": "false", "aria-controls": settingsPanel.id,
    onclick: () => {
      settingsPanel.hidden = !settingsPanel.hidden;
      settingsButton.setAttribute("aria-expanded", String(!settingsPanel.hidden));
    },
  }, "Column Settings");
  const downloadButton = h("button", { type: "button", class: "btn", onclick: () => download() }, "Download CSV");
  const table = h("table", { class: "grid" });
  const prev = h("button", { type: "button", class: "btn", onclick: () => page(-1) }, "Previous");
  const next = h("button", { type: "button", class: "btn", onclick: () => page(1) }, "Next");
  const pageInfo = h("span", { class: "page-info", "aria-live": "polite" });
  root.append(
    h("div", { class: "toolbar" }, settingsButton, downloadButton),
    settingsPanel,
    h("div", { class: "table-wrap", tabindex: "0", "aria-label": "Matching players" }, table),
    h("div", { class: "pager" }, prev, pageInfo, next),
    status,
  );

  function persist() {
    localStorage.setItem(storageKey, JSON.stringify(state.columns));
  }

  function renderSettings() {
    clear(settingsPanel);
    settingsPanel.append(h("legend", {}, "Available Fields"));
    const list = h("div", { class: "field-list" });
    for (const field of state.fields) {
      const id = `${settingsPanel.id}-${field.name}`;
      const box = h("input", {
        type: "checkbox", id, checked: state.columns.includes(field.name), dataset: { field: field.name },
        onchange: () => {
          if (box.checked) state.columns.push(field.name);
          else if (state.columns.length > 1) state.columns = state.columns.filter((c) => c !== field.name);
          else { box.checked = true; toast("Keep at least one column."); return; }
          if (state.sort && !state.columns.includes(state.sort)) state.sort = null;
          persist();
          state.offset = 0;
          load();
        },
      });
      list.append(h("div", { class: "field" }, box,
        h("label", { for: id, title: field.description || "" }, field.label,
          field.masked ? h("span", { class: "tag" }, "masked") : null)));
    }
    settingsPanel.append(list);
  }

  function renderHead() {
    const row = h("tr");
    for (const name of state.columns) {
      const field = state.byName.get(name);
      const sorted = state.sort === name;
      const ariaSort = sorted ? (state.order === "asc" ? "ascending" : "descending") : "none";
      const arrow = sorted ? (state.order === "asc" ? " ▲" : " ▼") : "";
      const label = field?.label || name;
      const th = h("th", { scope: "col", "aria-sort": ariaSort, dataset: { column: name } });
      if (field?.masked) {
        th.append(h("span", { title: "Masked fields cannot be sorted" }, label));
      } else {
        th.append(h("button", {
          type: "button", class: "sort",
          title: `Sort by ${label}`,
          onclick: () => {
            if (state.sort === name) state.order = state.order === "asc" ? "desc" : "asc";
            else { state.sort = name; state.order = "asc"; }
            state.offset = 0;
            load();
          },
        }, label, arrow));
      }
      row.append(th);
    }
    return h("thead", {}, row);
  }

  function renderRows(items) {
    const body = h("tbody");
    for (const item of items) {
      const row = h("tr");
      for (const name of state.columns) {
        const field = state.byName.get(name);
        // The raw value (never of a masked field) for scripts and tests reading the table.
        const raw = field?.masked || item[name] === undefined ? undefined : JSON.stringify(item[name]);
        row.append(h("td", { dataset: raw === undefined ? {} : { value: raw }, class: typeof item[name] === "number" ? "num" : "" },
          display(field, item[name])));
      }
      body.append(row);
    }
    if (!items.length) body.append(h("tr", {}, h("td", { colspan: state.columns.length, class: "muted" }, "No players match.")));
    return body;
  }

  function query() {
    const q = { columns: state.columns, offset: state.offset, limit: PAGE_SIZE };
    if (state.sort) { q.sort = state.sort; q.order = state.order; }
    return q;
  }

  async function fetchPage() {
    const q = query();
    if (source.kind !== "definition") {
      return api(`/${source.kind}s/${source.id}/members`, { query: q });
    }
    const data = await api("/segments/execute", { method: "POST", body: { ...source.definition, ...q } });
    return { total: data.count, items: data.items };
  }

  let loading = 0;
  async function load() {
    const ticket = ++loading;
    status.textContent = "Loading…";
    root.setAttribute("aria-busy", "true");
    try {
      const data = await fetchPage();
      if (ticket !== loading) return;
      state.total = data.total;
      clear(table).append(renderHead(), renderRows(data.items));
      const first = data.total ? state.offset + 1 : 0;
      const last = Math.min(state.offset + PAGE_SIZE, data.total);
      pageInfo.textContent = `Rows ${numberFormat.format(first)}–${numberFormat.format(last)} of ${numberFormat.format(data.total)}`;
      prev.disabled = state.offset === 0;
      next.disabled = state.offset + PAGE_SIZE >= data.total;
      status.textContent = "";
      onCount(data.total);
    } catch (error) {
      if (ticket !== loading) return;
      status.textContent = error instanceof ApiError ? error.detail : String(error);
      if (onError) onError(error);
    } finally {
      if (ticket === loading) root.removeAttribute("aria-busy");
    }
  }

  function page(step) {
    state.offset = Math.max(0, state.offset + step * PAGE_SIZE);
    load();
  }

  async function download() {
    const q = { columns: state.columns };
    if (state.sort) { q.sort = state.sort; q.order = state.order; }
    // export-svc streams the whole set, in the columns and order shown; fetched (not a plain
    // link) so that the request carries the operator's key.
    const stored = source.kind !== "definition";
    const request = stored
      ? [apiUrl("/exports/stream", { [`${source.kind}_id`]: source.id, ...q }), { headers: authHeaders() }]
      : [apiUrl("/exports/stream"), {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders() },
        body: JSON.stringify({ definition: source.definition, ...q }),
      }];
    downloadButton.disabled = true;
    try {
      const response = await fetch(...request);
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new ApiError(response.status, body);
      }
      const url = URL.createObjectURL(await response.blob());
      const name = stored ? `${source.kind}-${source.id}.csv` : "segment-preview.csv";
      const link = h("a", { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      toast(`Download failed: ${error instanceof ApiError ? error.detail : error}`);
    } finally {
      downloadButton.disabled = false;
    }
  }

  async function start() {
    state.fields = (await loadFields()).filter((f) => f.in_tables !== false);
    state.byName = new Map(state.fields.map((f) => [f.name, f]));
    state.columns = savedColumns(storageKey, new Set(state.byName.keys()));
    renderSettings();
    await load();
  }

  return {
    element: root,
    start,
    reload: load,
    setSource(next) { source = next; state.offset = 0; return load(); },
  };
}
