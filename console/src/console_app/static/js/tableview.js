// Table View of a saved segment: its members with Column Settings, sort, paging and CSV.
import { api, ApiError } from "./api.js";
import { h, numberFormat, relativeTime } from "./dom.js";
import { resultsTable } from "./table.js";

export function renderTableView(main, segmentId) {
  let stopped = false;
  (async () => {
    const segment = await api(`/segments/${segmentId}`);
    if (stopped) return;
    const count = h("p", { class: "count" }, `${numberFormat.format(segment.count ?? 0)} players`);
    const table = resultsTable({
      source: { kind: "segment", id: segment.id },
      storageKey: `console:columns:segment:${segment.id}`,
      onCount: (total) => { count.textContent = `${numberFormat.format(total)} players`; },
    });
    main.append(
      h("div", { class: "page-head" },
        h("h1", { tabindex: "-1" }, segment.name),
        h("a", { class: "btn", href: `#/segments/${segment.id}/edit` }, "Edit"),
        h("a", { class: "btn", href: `#/segments/${segment.id}/actions` }, "Add Action")),
      segment.description ? h("p", { class: "description" }, segment.description) : null,
      count,
      h("p", { class: "muted" }, `Last changed ${relativeTime(segment.updated_at)}`),
      table.element);
    await table.start();
    main.dataset.loaded = "true";
  })().catch((error) => {
    if (!stopped) main.append(h("p", { class: "error-text", role: "alert" }, `Cannot show the segment: ${error instanceof ApiError ? error.detail : error}`));
  });
  return () => { stopped = true; };
}
