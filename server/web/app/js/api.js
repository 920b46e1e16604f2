// The one way the app talks to the registry. The session lives in an HttpOnly cookie that
// script cannot read; state-changing requests carry the session's CSRF token, which is kept
// only in this module's memory (a reload fetches it again from GET /api/v1/me).
let csrfToken = null;
const expiredListeners = [];

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.headers = headers;
  }
}

export function setCsrfToken(token) { csrfToken = token || null; }

// Called when a request that needed the session answers 401: the session ended on the server
// (idle or absolute expiry, sign-out elsewhere, a disabled account).
export function onSessionExpired(listener) { expiredListeners.push(listener); }

// `headers` adds request headers (If-Match); `keepalive` lets a save finish after the tab closes.
export async function api(method, path, { body, signal, anonymous = false, headers: extra = {}, keepalive = false } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal, keepalive, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'network' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!response.ok) {
    if (response.status === 401 && !anonymous) {
      csrfToken = null;
      for (const listener of expiredListeners) listener();
    }
    throw new ApiError(response.status, data, response.headers);
  }
  return data;
}
