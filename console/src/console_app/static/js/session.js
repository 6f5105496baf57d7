// The operator's API key: kept for this tab only (sessionStorage), sent on every API call.
const STORAGE = "playerseg.apiKey";
export const LOGIN = "#/login";

export function apiKey() {
  return sessionStorage.getItem(STORAGE);
}

export function signIn(key) {
  sessionStorage.setItem(STORAGE, key);
}

export function signOut() {
  sessionStorage.removeItem(STORAGE);
}

export function authHeaders() {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

// A refused key (revoked, expired): back to the login, then to where the operator was.
export function toLogin() {
  signOut();
  if (location.hash !== LOGIN) {
    sessionStorage.setItem(`${STORAGE}.next`, location.hash);
    location.hash = LOGIN;
  }
}

export function nextScreen() {
  const next = sessionStorage.getItem(`${STORAGE}.next`);
  sessionStorage.removeItem(`${STORAGE}.next`);
  return next && next !== LOGIN ? next : "#/segments";
}
