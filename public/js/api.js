// The HTTP API as the dashboard uses it: the token (kept in session storage, so it is gone when the
// tab closes), one fetch wrapper that turns every non-2xx answer into an ApiError carrying the
// server's own `error` text, and path helpers.

const TOKEN_KEY = 'hatline.token';
let fixedToken = null;

export const token = {
  get: () => fixedToken ?? sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The embed page: every request carries this token (the one in its URL), and nothing is stored. */
export function useToken(value) {
  fixedToken = value;
}

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let unauthorized = () => {};
/** Called with the ApiError when the server refuses the token (401). */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

/**
 * Calls the API. `body` is sent as JSON, or as multipart when it is a FormData.
 * Answers the parsed JSON; throws ApiError with the server's message otherwise.
 */
export async function api(method, path, body, { tokenOverride } = {}) {
  const headers = { Authorization: `Bearer ${tokenOverride ?? token.get() ?? ''}` };
  const init = { method, headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, `Could not reach the server: ${err.message}`, 'network');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    let message = (data && typeof data.error === 'string' && data.error) || text.slice(0, 300) || res.statusText;
    if (res.status === 429) {
      const wait = res.headers.get('Retry-After');
      message += wait ? ` — try again in ${wait} s` : '';
    }
    const err = new ApiError(res.status, `${message} (HTTP ${res.status})`, data && data.code);
    if (res.status === 401 && !tokenOverride) unauthorized(err);
    throw err;
  }
  return data;
}

/** `api/instance/{id}{rest}` with the id escaped (relative, so the dashboard also works behind a path prefix). */
export const inst = (id, rest = '') => `api/instance/${encodeURIComponent(id)}${rest}`;
/** `/api/sandbox/{id}{rest}` with the id escaped. */
export const sandbox = (id, rest = '') => `api/sandbox/${encodeURIComponent(id)}${rest}`;

/** A query string from the defined, non-empty values of `params` (with the leading `?`, or ''). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Uploads a file to the instance's media library; answers `{ filename, originalname, mimetype, size, url }`. */
export async function upload(id, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await api('POST', inst(id, '/media/upload'), form);
  return res.file;
}
