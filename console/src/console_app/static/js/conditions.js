// Card rules: conditions on a player field or on a metric over one kind of event
// (docs/rule-language.md), edited in the same builder as segments with groups "all"/"any".
import { h } from "./dom.js";

const OPS = [
  ["gte", "≥"], ["gt", ">"], ["lte", "≤"], ["lt", "<"], ["eq", "="], ["ne", "≠"],
  ["between", "between"], ["in", "is one of"], ["not_in", "is none of"],
  ["exists", "has a value"], ["not_exists", "has no value"], ["empty", "is empty"], ["not_empty", "is not empty"],
];
const NO_VALUE = new Set(["exists", "not_exists", "empty", "not_empty"]);
const FNS = ["count", "sum", "min", "max", "first", "last"];
const EVENTS = ["bet_placed", "bet_settled", "bet_won", "bet_lost", "deposit_made", "withdrawal_made", "player_logged_in"];
const PROPERTIES = ["", "amount", "stake", "multiplier", "bonus", "occurred_at"];
const UNITS = ["minutes", "hours", "days"];

function parseValue(text) {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  return t;
}

function showValue(value) {
  if (Array.isArray(value)) return value.map(showValue).join(", ");
  if (value && typeof value === "object" && "ago" in value) return `${value.ago} ${value.unit} ago`;
  return value === undefined || value === null ? "" : String(value);
}

function readValue(op, text) {
  if (op === "in" || op === "not_in" || op === "between") {
    return text.split(",").map((part) => parseValue(part)).filter((v) => v !== "");
  }
  const ago = /^(\d+)\s+(minutes|hours|days)\s+ago$/.exec(text.trim());
  if (ago) return { ago: Number(ago[1]), unit: ago[2] };
  return parseValue(text);
}

function select(label, options, value, onchange) {
  const el = h("select", { "aria-label": label, onchange: () => onchange(el.value) },
    ...options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o || "(none)"];
      return h("option", { value: v, selected: v === value }, text);
    }));
  return el;
}

function conditionEditor(rule, fieldList, onChange) {
  const c = rule.cond;
  const el = h("div", { class: "condition" });
  const changed = () => { render(); onChange(); };
  function render() {
    el.replaceChildren();
    el.append(select("Condition on", [["field", "Field"], ["metric", "Metric"]], c.source, (v) => { c.source = v; changed(); }));
    if (c.source === "field") {
      el.append(select("Field", fieldList.map((f) => [f.name, f.label]), c.field, (v) => { c.field = v; onChange(); }));
    } else {
      el.append(
        select("Function", FNS, c.fn, (v) => { c.fn = v; onChange(); }),
        select("Event", EVENTS, c.event, (v) => { c.event = v; onChange(); }),
        select("Property", PROPERTIES, c.property, (v) => { c.property = v; onChange(); }),
        h("label", { class: "inline" }, "in the last ",
          h("input", { type: "number", min: "1", class: "short", value: c.last, "aria-label": "Window length (empty: all time)",
            oninput: (e) => { c.last = e.target.value; onChange(); } })),
        select("Window unit", UNITS, c.unit, (v) => { c.unit = v; onChange(); }));
    }
    el.append(select("Operator", OPS, c.op, (v) => { c.op = v; changed(); }));
    if (!NO_VALUE.has(c.op)) {
      el.append(h("input", {
        type: "text", class: "value", value: c.value, "aria-label": "Value",
        placeholder: c.op === "between" ? "low, high" : (c.op.endsWith("in") ? "a, b, c" : "e.g. 1000"),
        oninput: (e) => { c.value = e.target.value; onChange(); },
      }));
    }
  }
  render();
  return el;
}

/** The builder grammar of card rules; ``fieldList`` from GET /fields (filterable ones). */
export function conditionGrammar(fieldList) {
  return {
    keys: { and: "all", or: "any" },
    leaf(doc) {
      const cond = { source: "field", field: fieldList[0]?.name ?? "player_id", fn: "count", event: "bet_placed",
        property: "", last: "", unit: "days", op: doc.op ?? "gte", value: showValue(doc.value) };
      if (doc.metric) {
        Object.assign(cond, { source: "metric", fn: doc.metric.fn, event: doc.metric.event, property: doc.metric.property ?? "" });
        if (doc.metric.window) Object.assign(cond, { last: String(doc.metric.window.last), unit: doc.metric.window.unit });
      } else {
        cond.field = doc.field;
      }
      return { cond };
    },
    leafDoc(rule) {
      const c = rule.cond;
      const doc = { op: c.op };
      if (!NO_VALUE.has(c.op)) {
        if (c.value.trim() === "") return { problem: "Give a value to compare with." };
        doc.value = readValue(c.op, c.value);
      }
      if (c.source === "field") return { doc: { field: c.field, ...doc } };
      const metric = { fn: c.fn, event: c.event };
      if (c.property) metric.property = c.property;
      if (String(c.last).trim()) metric.window = { last: Number(c.last), unit: c.unit };
      return { doc: { metric, ...doc } };
    },
    leafEditor: (rule, onChange) => conditionEditor(rule, fieldList, onChange),
    newLeaf: () => ({ cond: { source: "metric", field: "net_result", fn: "count", event: "bet_placed", property: "",
      last: "", unit: "days", op: "gte", value: "" } }),
    onAdded: (el) => el?.querySelector("select")?.focus(),
  };
}
