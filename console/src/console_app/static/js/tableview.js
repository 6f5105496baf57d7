// Table View of a saved segment or card: its members with Column Settings, sort, paging, CSV.
import { api, ApiError } from "./api.js";
import { h, numberFormat, relativeTime } from "./dom.js";
import { resultsTable } from "./table.js";

const POLL_MS = 3000;

export function renderTableView(main, kind, id) {
  let stopped = false;
  let timer = null;
  (async () => {
    const item = await api(`${kind.path}/${id}`);
    if (stopped) return;
    const count = h("p", { class: "count" }, `${numberFormat.format(item.count ?? 0)} players`);
    const table = resultsTable({
      source: { kind: kind.kind, id: item.id },
      storageKey: `console:columns:${kind.kind}:${item.id}`,
      onCount: (total) => { count.textContent = `${numberFormat.format(total)} players`; },
    });
    main.append(
      h("div", { class: "page-head" },
        h("h1", { tabindex: "-1" }, item.name),
        h("a", { class: "btn", href: `${kind.route}/${item.id}/edit` }, "Edit"),
        h("a", { class: "btn", href: `${kind.route}/${item.id}/actions` }, "Add Action")),
      item.description ? h("p", { class: "description" }, item.description) : null,
      count,
      h("p", { class: "muted" }, `Definition last changed ${relativeTime(item.updated_at)}`),
      table.element);
    await table.start();
    main.dataset.loaded = "true";
    // The count follows the stream; the rows stay as loaded until sorted, paged or changed.
    const poll = async () => {
      try {
        const now = await api(`${kind.path}/${id}`);
        if (!stopped) count.textContent = `${numberFormat.format(now.count ?? 0)} players`;
      } catch { /* the next round tries again */ }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
  })().catch((error) => {
    if (!stopped) main.append(h("p", { class: "error-text", role: "alert" }, `Cannot show the ${kind.kind}: ${error instanceof ApiError ? error.detail : error}`));
  });
  return () => { stopped = true; clearTimeout(timer); };
}
