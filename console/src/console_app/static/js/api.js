// The services' APIs, proxied under /api on this origin, with the operator's key.
import { authHeaders, toLogin } from "./session.js";

export class ApiError extends Error {
  constructor(status, body) {
    const detail = ApiError.detailOf(status, body);
    super(detail);
    this.status = status;
    this.body = body;
    this.detail = detail;
    this.errors = ApiError.errorsOf(body);
  }

  static detailOf(status, body) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && typeof body.title === "string") return body.title;
    return `The request failed (HTTP ${status}).`;
  }

  // [{loc: "include.and[1]", msg}] from RFC 9457 bodies and FastAPI's own 422s.
  static errorsOf(body) {
    if (body && Array.isArray(body.errors)) {
      return body.errors.map((e) => ({ loc: String(e.loc ?? ""), msg: String(e.msg ?? "") }));
    }
    if (body && Array.isArray(body.detail)) {
      return body.detail.map((e) => {
        const parts = Array.isArray(e.loc) ? e.loc.filter((p) => p !== "body") : [];
        return { loc: parts.join("."), msg: String(e.msg ?? "") };
      });
    }
    return [];
  }
}

export function apiUrl(path, query) {
  let url = `/api${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === "") continue;
      params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  return url;
}

export async function api(path, { method = "GET", body, query } = {}) {
  const init = { method, headers: { accept: "application/json", ...authHeaders() } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(apiUrl(path, query), init);
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (response.status === 401) toLogin();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

let fieldsPromise = null;
export function fields() {
  fieldsPromise ??= api("/fields").then((d) => (Array.isArray(d) ? d : d.items));
  fieldsPromise.catch(() => { fieldsPromise = null; });
  return fieldsPromise;
}

