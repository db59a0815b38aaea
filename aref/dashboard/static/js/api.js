// The AREF API client: one fetch wrapper, one error type, the bearer token for mutating calls.
//
// Paths are relative to /api/aref/ and resolved against the page, so the UI also works behind a
// path prefix. Every failure is an ApiError: `network` is true when the API could not be reached at
// all (no answer, a timeout, or a gateway error from a proxy in front of it). When a mutating call
// answers 401, the `tokenPrompt` hook (set by the app) asks for AREF_API_TOKEN once and the call is
// retried; the token lives in sessionStorage, i.e. this tab only.

const TOKEN_KEY = "aref.apiToken";
const TIMEOUT_MS = 10000;
const GATEWAY_ERRORS = new Set([502, 503, 504]);

let tokenPrompt = null;

export class ApiError extends Error {
  constructor(message, { status = null, field = null, path = "", network = false, reason = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field;
    this.path = path;
    this.network = network;
    this.reason = reason || message;
  }
}

/** Register the function that asks the user for a token: () => Promise<string | null>. */
export function setTokenPrompt(fn) {
  tokenPrompt = fn;
}

export function apiUrl(path) {
  return new URL(`api/aref/${path}`, document.baseURI).toString();
}

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage may be unavailable (private mode); the call still runs without it
  }
}

async function request(method, path, body, askedForToken = false) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const bearer = token();
  if (bearer && method !== "GET") headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const why =
      err && err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : "the connection failed";
    throw new ApiError(`cannot reach the AREF API (${why})`, { path, network: true, reason: why });
  }
  if ((response.status === 401 || response.status === 403) && method !== "GET") {
    storeToken(null);
    if (!askedForToken && tokenPrompt) {
      const given = await tokenPrompt();
      if (given) {
        storeToken(given);
        return request(method, path, body, true);
      }
    }
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message = payload && typeof payload.error === "string" ? payload.error : `HTTP ${response.status}`;
    throw new ApiError(message, {
      status: response.status,
      field: payload ? payload.field : null,
      path,
      network: GATEWAY_ERRORS.has(response.status),
    });
  }
  return payload;
}

/** The page's own settings (GET /ui/config), outside the API. */
async function config() {
  const response = await fetch(new URL("ui/config", document.baseURI), {
    cache: "no-store",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`, { status: response.status, path: "ui/config" });
  return response.json();
}

export const api = {
  config,
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
};
