// Home of segments or cards: a panel per set with its live count, last change, size over time
// and the three-dots menu; counts and charts follow the stream without a reload.
import { api, ApiError } from "./api.js";
import { h, clear, numberFormat, relativeTime } from "./dom.js";
import { dotsMenu } from "./menu.js";
import { sizeChart } from "./chart.js";
import { cloneItem, deleteItem, listOf } from "./kinds.js";

const POLL_MS = 2000;

function panel(kind, item, refresh) {
  const count = h("p", { class: "count" });
  const changed = h("p", { class: "muted changed" });
  const chart = h("div", { class: "chart" });
  const go = (suffix) => { location.hash = `${kind.route}/${item.id}/${suffix}`; };
  const entries = [
    { text: "Table View", run: () => go("table") },
    { text: "Add Action", run: () => go("actions") },
    { text: "Edit", run: () => go("edit") },
    kind.canClone ? { text: "Clone", run: async () => { if (await cloneItem(kind, item)) refresh(); } } : null,
    { text: "Delete", danger: true, run: async () => { if (await deleteItem(kind, item)) refresh(); } },
  ].filter(Boolean);
  const link = h("a", { href: `${kind.route}/${item.id}/table` }, item.name);
  const description = h("p", { class: "description" });
  const el = h("li", { class: "panel", dataset: { id: item.id, name: item.name } },
    h("div", { class: "panel-head" }, h("h2", {}, link), dotsMenu(`Menu of ${item.name}`, entries)),
    description, count, changed, chart);
  let history = null;

  async function loadHistory() {
    try {
      history = await api(`${kind.path}/${item.id}/history`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      history = { points: [] };
    }
  }

  async function update(next) {
    item = next;
    link.textContent = next.name;
    el.dataset.name = next.name;
    description.textContent = next.description || "";
    description.hidden = !next.description;
    const building = next.ready === false ? " (building…)" : "";
    count.textContent = `${numberFormat.format(next.count ?? 0)} players${building}`;
    el.dataset.count = String(next.count ?? 0);
    // The server samples sizes on a timer: fetch its history again until it has caught up.
    const lastPoint = history?.points.at(-1);
    if (!history || !lastPoint || lastPoint.size !== next.count) await loadHistory();
    const changedAt = history.points.at(-1)?.at ?? next.updated_at;
    changed.textContent = `Last changed ${relativeTime(changedAt)}`;
    clear(chart).append(sizeChart(history.points, next.count ?? 0));
  }
  return { el, update };
}

export function renderHome(main, kind) {
  const list = h("ul", { class: "panels", "aria-label": kind.title });
  const create = h("a", { class: "btn primary", href: `${kind.route}/new` }, `Create ${kind.singular}`);
  const empty = h("div", { class: "empty", hidden: true },
    h("p", {}, kind.empty), h("a", { class: "btn primary", href: `${kind.route}/new` }, `Create your first ${kind.kind}`));
  const error = h("p", { class: "error-text", role: "alert" });
  main.append(h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, kind.title), create), error, empty, list);
  const panels = new Map();
  let stopped = false;
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    try {
      const items = await listOf(kind);
      if (stopped) return;
      error.textContent = "";
      const seen = new Set();
      const updates = [];
      for (const item of items) {
        seen.add(item.id);
        let made = panels.get(item.id);
        if (!made) {
          made = panel(kind, item, refresh);
          panels.set(item.id, made);
          list.append(made.el);
        }
        updates.push(made.update(item));
      }
      for (const [id, made] of panels) {
        if (!seen.has(id)) { made.el.remove(); panels.delete(id); }
      }
      await Promise.all(updates);
      empty.hidden = items.length > 0;
      main.dataset.loaded = "true";
    } catch (e) {
      if (!stopped) error.textContent = `Cannot load the ${kind.kind}s: ${e instanceof ApiError ? e.detail : e}`;
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
