// Modal dialogs on <dialog>: focus is trapped and Escape cancels.
import { h } from "./dom.js";

function open(build) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog" });
    const done = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(null);
    });
    build(dialog, done);
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function confirmDialog({ title, message, confirmLabel = "OK", danger = false }) {
  return open((dialog, done) => {
    const form = h("form", { method: "dialog", onsubmit: (e) => { e.preventDefault(); done(true); } },
      h("h2", {}, title),
      h("p", {}, message),
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "btn", onclick: () => done(false) }, "Cancel"),
        h("button", { type: "submit", class: danger ? "btn danger" : "btn primary", autofocus: true }, confirmLabel)));
    dialog.append(form);
  }).then((v) => v === true);
}

export function alertDialog({ title, message, extra = null }) {
  return open((dialog, done) => {
    dialog.setAttribute("role", "alertdialog");
    dialog.append(h("form", { method: "dialog", onsubmit: (e) => { e.preventDefault(); done(true); } },
      h("h2", {}, title),
      h("p", { class: "error-text" }, message),
      extra,
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "btn primary", autofocus: true }, "OK"))));
  });
}

export function promptDialog({ title, label, value = "", confirmLabel = "OK" }) {
  return open((dialog, done) => {
    const input = h("input", { type: "text", value, required: true, id: "prompt-input", autofocus: true });
    dialog.append(h("form", {
      method: "dialog",
      onsubmit: (e) => { e.preventDefault(); if (input.value.trim()) done(input.value.trim()); },
    },
      h("h2", {}, title),
      h("label", { for: "prompt-input" }, label), input,
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "btn", onclick: () => done(null) }, "Cancel"),
        h("button", { type: "submit", class: "btn primary" }, confirmLabel))));
  });
}
