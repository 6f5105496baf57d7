// Add Action: type, channel, name and the channel's definition; the target's actions and counts.
import { api, ApiError } from "./api.js";
import { h, clear, numberFormat, toast } from "./dom.js";
import { confirmDialog } from "./dialog.js";

const TYPES = [
  ["entered", "Triggered on entry"],
  ["exited", "Triggered on exit"],
  ["single_send", "Single Send"],
  ["scheduled", "Scheduled recurring"],
];
const CHANNELS = [["email", "Email"], ["sms", "SMS"], ["push", "Push Notification"], ["webhook", "Web API"]];
const CHANNEL_FIELDS = {
  email: [["subject", "Subject", "input"], ["body", "Body", "textarea"], ["from_name", "From name (optional)", "input"]],
  sms: [["body", "Message", "textarea"]],
  push: [["title", "Title", "input"], ["body", "Body", "textarea"], ["deep_link", "Deep link (optional)", "input"]],
  webhook: [["url", "URL", "input"], ["method", "Method", "method"], ["body_template", "Body template (optional)", "textarea"]],
};
const POLL_MS = 3000;

function radios(name, options, checked, onchange) {
  return options.map(([value, label]) => {
    const id = `${name}-${value}`;
    return h("div", { class: "radio" },
      h("input", { type: "radio", name, id, value, checked: value === checked, onchange }),
      h("label", { for: id }, label));
  });
}

function field(loc, label, control) {
  const id = `f-${loc.replace(/\W+/g, "-")}`;
  control.id = id;
  return h("div", { class: "field-row", dataset: { loc } },
    h("label", { for: id }, label), control,
    h("p", { class: "error-text", dataset: { errorFor: loc }, role: "alert" }));
}

function describe(action) {
  const type = action.type === "triggered"
    ? `Triggered on ${action.trigger?.on === "exited" ? "exit" : "entry"}`
    : (TYPES.find(([v]) => v === action.type)?.[1] ?? action.type);
  const channel = CHANNELS.find(([v]) => v === action.channel)?.[1] ?? action.channel;
  return { type, channel };
}

export function renderActions(main, kind, targetId) {
  let stopped = false;
  let timer = null;
  (async () => {
    const target = await api(`${kind.path}/${targetId}`);
    if (stopped) return;
    build(target);
  })().catch((error) => {
    if (!stopped) main.append(h("p", { class: "error-text", role: "alert" }, `Cannot open Add Action: ${error instanceof ApiError ? error.detail : error}`));
  });

  function build(target) {
    const state = { type: "entered", channel: "email" };
    const name = h("input", { type: "text", autocomplete: "off" });
    const channelBox = h("div", { class: "channel-fields" });
    const scheduleBox = h("div", { class: "schedule-fields" });
    const formError = h("p", { class: "error-text form-error", role: "alert" });
    const controls = {};

    function renderChannel() {
      clear(channelBox);
      for (const key of Object.keys(controls)) delete controls[key];
      for (const [key, label, kind] of CHANNEL_FIELDS[state.channel]) {
        let control;
        if (kind === "textarea") control = h("textarea", { rows: "3" });
        else if (kind === "method") control = h("select", {}, ...["POST", "PUT", "PATCH"].map((m) => h("option", { value: m }, m)));
        else control = h("input", { type: key === "url" ? "url" : "text", autocomplete: "off" });
        controls[key] = control;
        channelBox.append(field(`definition.${key}`, label, control));
      }
      channelBox.append(h("p", { class: "muted" }, "Placeholders such as {{username|there}} or {{net_result}} name any player field."));
    }

    const every = h("select", {}, h("option", { value: "hours" }, "Every N hours"), h("option", { value: "day" }, "Every day at"),
      h("option", { value: "week" }, "Every week on"), h("option", { value: "cron" }, "Cron expression"));
    const hours = h("input", { type: "number", min: "1", value: "24" });
    const at = h("input", { type: "time", value: "09:00" });
    const weekday = h("select", {}, ...["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
      .map((d) => h("option", { value: d }, d[0].toUpperCase() + d.slice(1))));
    const cron = h("input", { type: "text", placeholder: "0 9 * * 1", autocomplete: "off" });
    const timezone = h("input", { type: "text", value: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
    const rows = {
      hours: field("schedule.hours", "Hours", hours), weekday: field("schedule.weekday", "Weekday", weekday),
      at: field("schedule.at", "At (local time)", at), cron: field("schedule.cron", "Cron (minute hour day month weekday)", cron),
      timezone: field("schedule.timezone", "Time zone", timezone),
    };
    // Only the fields of the chosen recurrence are shown (and sent).
    const SHOWN = { hours: ["hours"], day: ["at", "timezone"], week: ["weekday", "at", "timezone"], cron: ["cron", "timezone"] };
    function renderSchedule() {
      scheduleBox.hidden = state.type !== "scheduled";
      for (const [key, row] of Object.entries(rows)) row.hidden = !SHOWN[every.value].includes(key);
    }
    every.addEventListener("change", renderSchedule);
    scheduleBox.append(h("fieldset", {}, h("legend", {}, "Schedule"),
      field("schedule.every", "Repeat", every), ...Object.values(rows),
      h("p", { class: "error-text", dataset: { errorFor: "schedule" }, role: "alert" })));

    function body() {
      const definition = {};
      for (const [key, control] of Object.entries(controls)) {
        if (control.value.trim() !== "") definition[key] = control.value;
      }
      const action = { name: name.value.trim(), target: { kind: kind.kind, id: target.id }, channel: state.channel, definition };
      if (state.type === "entered" || state.type === "exited") {
        action.type = "triggered";
        action.trigger = { on: state.type };
      } else if (state.type === "single_send") {
        action.type = "single_send";
        action.single_send = {};
      } else {
        action.type = "scheduled";
        if (every.value === "hours") action.schedule = { every: "hours", hours: Number(hours.value) };
        else if (every.value === "day") action.schedule = { every: "day", at: at.value, timezone: timezone.value };
        else if (every.value === "week") action.schedule = { every: "week", weekday: weekday.value, at: at.value, timezone: timezone.value };
        else action.schedule = { every: "cron", cron: cron.value, timezone: timezone.value };
      }
      return action;
    }

    function report(problems) {
      for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
      for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
      const general = [];
      for (const { loc, msg } of problems) {
        let slot = null;
        for (let at = loc; at && !slot; at = at.includes(".") ? at.slice(0, at.lastIndexOf(".")) : "") {
          slot = form.querySelector(`[data-error-for="${CSS.escape(at)}"]`);
        }
        if (slot) {
          slot.textContent = [slot.textContent, msg].filter(Boolean).join(" ");
          slot.parentElement.querySelector("input, textarea, select")?.setAttribute("aria-invalid", "true");
        } else general.push(loc ? `${loc}: ${msg}` : msg);
      }
      formError.textContent = general.join(" ");
    }

    async function submit(event) {
      event.preventDefault();
      report([]);
      try {
        const created = await api("/actions", { method: "POST", body: body() });
        toast(`Action "${created.name}" created.`);
        form.reset();
        state.type = "entered";
        state.channel = "email";
        renderChannel();
        renderSchedule();
        refresh();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        report(error.errors.length ? error.errors : [{ loc: "", msg: error.detail }]);
      }
    }

    const form = h("form", { class: "action-form", novalidate: true, onsubmit: submit },
      h("fieldset", {}, h("legend", {}, "Type"),
        radios("action-type", TYPES, state.type, (e) => { state.type = e.target.value; renderSchedule(); })),
      scheduleBox,
      h("fieldset", {}, h("legend", {}, "Channel"),
        radios("action-channel", CHANNELS, state.channel, (e) => { state.channel = e.target.value; renderChannel(); })),
      h("div", { class: "field-row" }, h("label", { for: "action-name" }, "Name"),
        Object.assign(name, { id: "action-name" }),
        h("p", { class: "error-text", dataset: { errorFor: "name" }, role: "alert" })),
      h("fieldset", {}, h("legend", {}, "Definition"), channelBox,
        h("p", { class: "error-text", dataset: { errorFor: "definition" }, role: "alert" })),
      formError,
      h("div", { class: "toolbar" }, h("button", { type: "submit", class: "btn primary" }, "Create action")));
    renderChannel();
    renderSchedule();

    const listBody = h("tbody");
    const listError = h("p", { class: "error-text", role: "alert" });
    const list = h("section", { class: "action-list", "aria-labelledby": "actions-title" },
      h("h2", { id: "actions-title" }, `Actions on this ${kind.kind}`),
      listError,
      h("div", { class: "table-wrap" }, h("table", { class: "grid" },
        h("thead", {}, h("tr", {}, ...["Name", "Type", "Channel", "Status", "Dispatched", "Skipped", ""].map((t) => h("th", { scope: "col" }, t)))),
        listBody)));

    async function act(action, verb) {
      try {
        if (verb === "delete") {
          const sure = await confirmDialog({ title: `Delete action "${action.name}"?`, message: "Its log and counts are removed too.", confirmLabel: "Delete", danger: true });
          if (!sure) return;
          await api(`/actions/${action.id}`, { method: "DELETE" });
          toast(`Deleted action "${action.name}".`);
        } else {
          await api(`/actions/${action.id}/${verb}`, { method: "POST" });
        }
      } catch (error) {
        toast(error instanceof ApiError ? error.detail : String(error));
      }
      refresh();
    }

    async function refresh() {
      clearTimeout(timer);
      try {
        const data = await api("/actions", { query: { target_kind: kind.kind, target_id: target.id, limit: 1000 } });
        if (stopped) return;
        listError.textContent = "";
        clear(listBody);
        for (const action of data.items) {
          const { type, channel } = describe(action);
          const stats = action.stats || {};
          const skipped = (stats.capped ?? 0) + (stats.suppressed ?? 0) + (stats.skipped ?? 0) + (stats.missed ?? 0);
          listBody.append(h("tr", { dataset: { actionId: action.id } },
            h("td", {}, action.name), h("td", {}, type), h("td", {}, channel), h("td", {}, action.status),
            h("td", { class: "num" }, numberFormat.format(stats.dispatched ?? 0)),
            h("td", { class: "num" }, numberFormat.format(skipped)),
            h("td", { class: "row-buttons" },
              action.status === "active" ? h("button", { type: "button", class: "btn", onclick: () => act(action, "pause") }, "Pause") : null,
              action.status === "paused" ? h("button", { type: "button", class: "btn", onclick: () => act(action, "resume") }, "Resume") : null,
              h("button", { type: "button", class: "btn danger", "aria-label": `Delete action ${action.name}`, onclick: () => act(action, "delete") }, "Delete"))));
        }
        if (!data.items.length) listBody.append(h("tr", {}, h("td", { colspan: "7", class: "muted" }, "No actions yet.")));
        main.dataset.loaded = "true";
      } catch (error) {
        if (!stopped) listError.textContent = `Cannot list the actions: ${error instanceof ApiError ? error.detail : error}`;
      }
      if (!stopped) timer = setTimeout(refresh, POLL_MS);
    }

    main.append(
      h("div", { class: "page-head" },
        h("h1", { tabindex: "-1" }, `Add Action to "${target.name}"`),
        h("a", { class: "btn", href: `${kind.route}/${target.id}/table` }, "Table View")),
      h("p", { class: "muted" }, `${numberFormat.format(target.count ?? 0)} players are in this ${kind.kind} now.`),
      h("div", { class: "two-col" }, form, list));
    refresh();
  }
  return () => { stopped = true; clearTimeout(timer); };
}
