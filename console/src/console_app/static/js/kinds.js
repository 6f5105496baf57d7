// What differs between the two kinds of player sets the console shows: segments and cards.
import { api, ApiError } from "./api.js";
import { h, toast } from "./dom.js";
import { alertDialog, confirmDialog, promptDialog } from "./dialog.js";

export const SEGMENT = {
  kind: "segment", title: "Segments", singular: "Segment", path: "/segments", route: "#/segments",
  exportParam: "segment_id", canClone: true,
  empty: "No segments yet. A segment combines cards into a bucket of players you can act on.",
  deleteMessage: "The segment and its membership are removed. This cannot be undone.",
};
export const CARD = {
  kind: "card", title: "Cards", singular: "Card", path: "/cards", route: "#/cards",
  exportParam: "card_id", canClone: false,
  empty: "No cards yet. A card is a rule over one player's profile and activity.",
  deleteMessage: "The card and its membership are removed. This cannot be undone.",
};
export const KINDS = { segment: SEGMENT, card: CARD };

export const listOf = (kind) => api(kind.path, { query: { limit: 1000 } }).then((d) => d.items);

export async function deleteItem(kind, item) {
  const sure = await confirmDialog({
    title: `Delete "${item.name}"?`, message: kind.deleteMessage, confirmLabel: "Delete", danger: true,
  });
  if (!sure) return false;
  try {
    await api(`${kind.path}/${item.id}`, { method: "DELETE" });
    toast(`Deleted "${item.name}".`);
    return true;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // 409: still used (live actions on a segment, segments reading a card): say what to do.
    const extra = error.status === 409
      ? h("p", {}, kind === SEGMENT
        ? h("a", { href: `${kind.route}/${item.id}/actions` }, "Open this segment's actions to pause or delete them")
        : "Change or delete the segments named above first.")
      : null;
    await alertDialog({ title: `"${item.name}" was not deleted`, message: error.detail, extra });
    return false;
  }
}

export async function cloneItem(kind, item) {
  const name = await promptDialog({
    title: `Clone "${item.name}"`, label: "Name of the copy", value: `${item.name} (copy)`, confirmLabel: "Clone",
  });
  if (!name) return null;
  try {
    const copy = await api(`${kind.path}/${item.id}/clone`, { method: "POST", body: { name } });
    toast(`Cloned as "${copy.name}".`);
    return copy;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    await alertDialog({ title: `The ${kind.kind} was not cloned`, message: error.detail });
    return null;
  }
}
