// Segments home: a panel per segment with its live count, last change and size over time.
import { api, listSegments, ApiError } from "./api.js";
import { h, clear, numberFormat, relativeTime, toast } from "./dom.js";
import { dotsMenu } from "./menu.js";
import { alertDialog, confirmDialog, promptDialog } from "./dialog.js";

const POLL_MS = 3000;
const HISTORY_POINTS = 60;
// Sizes seen since the page was opened: the panels' charts (kept across screens).
const history = new Map();

function remember(segment) {
  const points = history.get(segment.id) || [];
  points.push(segment.count ?? 0);
  while (points.length > HISTORY_POINTS) points.shift();
  history.set(segment.id, points);
  return points;
}

function sparkline(points) {
  const width = 160, height = 32;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Size over time: ${points.map((p) => numberFormat.format(p)).join(", ")}`);
  const max = Math.max(...points), min = Math.min(...points);
  const span = max - min || 1;
  const step = points.length > 1 ? width / (points.length - 1) : width;
  const coords = points.length > 1
    ? points.map((p, i) => `${(i * step).toFixed(1)},${(height - 2 - ((p - min) / span) * (height - 4)).toFixed(1)}`)
    : [`0,${height / 2}`, `${width},${height / 2}`];
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", coords.join(" "));
  svg.append(line);
  return svg;
}

export async function deleteSegment(segment) {
  const sure = await confirmDialog({
    title: `Delete "${segment.name}"?`,
    message: "The segment and its membership are removed. This cannot be undone.",
    confirmLabel: "Delete", danger: true,
  });
  if (!sure) return false;
  try {
    await api(`/segments/${segment.id}`, { method: "DELETE" });
    toast(`Deleted "${segment.name}".`);
    return true;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const extra = error.status === 409
      ? h("p", {}, h("a", { href: `#/segments/${segment.id}/actions` }, "Open this segment's actions"))
      : null;
    await alertDialog({ title: `"${segment.name}" was not deleted`, message: error.detail, extra });
    return false;
  }
}

export async function cloneSegment(segment) {
  const name = await promptDialog({
    title: `Clone "${segment.name}"`, label: "Name of the copy", value: `${segment.name} (copy)`, confirmLabel: "Clone",
  });
  if (!name) return null;
  try {
    const copy = await api(`/segments/${segment.id}/clone`, { method: "POST", body: { name } });
    toast(`Cloned as "${copy.name}".`);
    return copy;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    await alertDialog({ title: "The segment was not cloned", message: error.detail });
    return null;
  }
}

function panel(segment, refresh) {
  const count = h("p", { class: "count" });
  const changed = h("p", { class: "muted changed" });
  const chart = h("div", { class: "chart" });
  const go = (suffix) => { location.hash = `#/segments/${segment.id}/${suffix}`; };
  const menu = dotsMenu(`Menu of ${segment.name}`, [
    { text: "Table View", run: () => go("table") },
    { text: "Add Action", run: () => go("actions") },
    { text: "Edit", run: () => go("edit") },
    { text: "Clone", run: async () => { if (await cloneSegment(segment)) refresh(); } },
    { text: "Delete", danger: true, run: async () => { if (await deleteSegment(segment)) refresh(); } },
  ]);
  const title = h("h2", {}, h("a", { href: `#/segments/${segment.id}/table` }, segment.name));
  const el = h("li", { class: "panel", dataset: { segmentId: segment.id } },
    h("div", { class: "panel-head" }, title, menu),
    segment.description ? h("p", { class: "description" }, segment.description) : null,
    count, changed, chart);
  function update(next) {
    segment = next;
    title.firstChild.textContent = next.name;
    const building = next.ready === false ? " (building…)" : "";
    count.textContent = `${numberFormat.format(next.count ?? 0)} players${building}`;
    changed.textContent = `Last changed ${relativeTime(next.updated_at)}`;
    clear(chart).append(sparkline(remember(next)));
  }
  update(segment);
  return { el, update };
}

export function renderHome(main) {
  const list = h("ul", { class: "panels", "aria-label": "Segments" });
  const empty = h("div", { class: "empty", hidden: true },
    h("p", {}, "No segments yet. A segment combines cards into a bucket of players you can act on."),
    h("a", { class: "btn primary", href: "#/segments/new" }, "Create your first segment"));
  const error = h("p", { class: "error-text", role: "alert" });
  main.append(
    h("div", { class: "page-head" },
      h("h1", { tabindex: "-1" }, "Segments"),
      h("a", { class: "btn primary", href: "#/segments/new", role: "button" }, "Create Segment")),
    error, empty, list);
  const panels = new Map();
  let stopped = false;
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    try {
      const data = await listSegments();
      if (stopped) return;
      error.textContent = "";
      const seen = new Set();
      for (const segment of data.items) {
        seen.add(segment.id);
        const known = panels.get(segment.id);
        if (known) known.update(segment);
        else {
          const made = panel(segment, refresh);
          panels.set(segment.id, made);
          list.append(made.el);
        }
      }
      for (const [id, made] of panels) {
        if (!seen.has(id)) { made.el.remove(); panels.delete(id); }
      }
      empty.hidden = data.items.length > 0;
      main.dataset.loaded = "true";
    } catch (e) {
      if (!stopped) error.textContent = `Cannot load the segments: ${e instanceof ApiError ? e.detail : e}`;
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
