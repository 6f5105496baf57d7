// The login screen: paste an API key (playerseg keys create, or the stack's admin key).
import { h } from "./dom.js";
import { ApiError, apiUrl } from "./api.js";
import { nextScreen, signIn } from "./session.js";

// The key is tried on a read before it is kept, so that a wrong one is refused here.
async function check(key) {
  const response = await fetch(apiUrl("/segments", { limit: 1 }), {
    headers: { accept: "application/json", authorization: `Bearer ${key}` },
  });
  if (response.ok) return;
  const body = await response.json().catch(() => null);
  throw new ApiError(response.status, body);
}

export function renderLogin(main) {
  const input = h("input", { id: "api-key", type: "password", name: "api-key", autocomplete: "off",
    required: true, placeholder: "psk_…" });
  const error = h("p", { class: "error-text", role: "alert", id: "login-error" });
  const submit = h("button", { class: "btn primary", type: "submit" }, "Sign in");
  const form = h("form", { class: "login", onsubmit: async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    error.textContent = "";
    submit.disabled = true;
    try {
      await check(key);
      signIn(key);
      location.hash = nextScreen();
    } catch (failure) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = failure instanceof ApiError && failure.status === 401
        ? "This API key is not valid (unknown, revoked or expired). Check it and try again."
        : `This key cannot be used here: ${failure instanceof ApiError ? failure.detail : failure}`;
    } finally {
      submit.disabled = false;
    }
  } },
  h("div", { class: "field-row" }, h("label", { for: "api-key" }, "API key"), input,
    h("p", { class: "muted" }, "Ask your administrator for a key (playerseg keys create), or use ",
      "the admin key that playerseg up prints.")),
  error, submit);
  main.append(h("h1", { tabindex: "-1" }, "Sign in"), form);
  main.dataset.loaded = "true";
  input.focus();
}
