import type { FetchFunction } from './druid-client';
import { DruidError } from './druid-error';
import type { SupersetBundle } from './superset-bundle';

/** Options of {@link importSupersetBundle}. */
export interface ImportSupersetBundleOptions {
  /** Superset's base URL, e.g. `http://127.0.0.1:18088`. */
  url: string;
  /** A Superset user allowed to import dashboards, datasets and charts (an admin). */
  username: string;
  password: string;
  /** The bundle from {@link createSupersetBundle}. */
  bundle: SupersetBundle;
  /**
   * Replace the dataset, charts and dashboard that an earlier import of the same datasource
   * made. Without it, an import over existing objects fails (`http`, 422).
   * @default true
   */
  overwrite?: boolean;
  /**
   * Database passwords by bundle path (`databases/Druid.yaml`), used only when the import creates
   * the database and its URI needs one.
   * @default {}
   */
  passwords?: Record<string, string>;
  /** @default 'db' (Superset's own users; 'ldap' for LDAP) */
  provider?: string;
  /** @default globalThis.fetch */
  fetch?: FetchFunction;
  /** Per-request timeout in milliseconds. @default 60000 */
  timeoutMs?: number;
}

/** What {@link importSupersetBundle} made. */
export interface ImportedSupersetDashboard {
  /** The dashboard's id in this Superset. */
  readonly id: number;
  /** Where to open it: `<url>/superset/dashboard/<slug>/`. */
  readonly url: string;
}

/**
 * Imports a bundle through Superset's REST API: logs in, then imports the dataset, the charts and
 * the dashboard. Superset's dashboard import overwrites only the dashboard (its dataset and
 * charts are kept as they were), so the dataset and chart imports come first, each with
 * `overwrite`, and a bundle made from a changed schema replaces the old columns and charts.
 * @throws {DruidError} `unreachable` when Superset does not answer, `timeout`, `http` with
 * Superset's status and message when it refuses the login or the bundle.
 * @example
 * const { url } = await importSupersetBundle({
 *   url: 'http://127.0.0.1:18088',
 *   username: 'admin',
 *   password: 'admin',
 *   bundle: createSupersetBundle({ schema: tributaryEventRecord, dataSource: 'clicks' }),
 * });
 */
export async function importSupersetBundle(
  options: ImportSupersetBundleOptions,
): Promise<ImportedSupersetDashboard> {
  const base = options.url.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const cookies = new Map<string, string>();
  const overwrite = options.overwrite ?? true;

  const call = async (path: string, init: RequestInit, what: string): Promise<unknown> => {
    const headers = new Headers(init.headers);
    // Superset binds its CSRF token to the session cookie, so the cookie travels with every call.
    if (cookies.size > 0) {
      headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    // gunicorn closes idle keep-alive connections after 2 s, so a request sent on a pooled
    // connection as it closes fails before any answer ("other side closed"). Every call here is
    // safe to repeat (GETs, the login, imports with overwrite), so such a failure is tried once
    // more on a new connection; an import without overwrite is not repeated.
    const repeatable = init.method === undefined || init.method === 'GET' || overwrite;
    let response: Response | undefined;
    for (let attempt = 1; response === undefined; attempt++) {
      try {
        response = await fetchFn(`${base}${path}`, {
          ...init,
          headers,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new DruidError(
            'timeout',
            `Superset did not answer ${what} within ${timeoutMs} ms.`,
            { cause: error },
          );
        }
        if (attempt >= 2 || !repeatable) {
          throw new DruidError(
            'unreachable',
            `Superset at ${base} could not be reached (${what}).`,
            { cause: error },
          );
        }
      }
    }
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page): the text is the message.
    }
    if (!response.ok) {
      throw new DruidError(
        'http',
        `Superset answered ${what} with ${response.status}: ${supersetMessage(body)}`,
        { status: response.status },
      );
    }
    return body;
  };

  const login = (await call(
    '/api/v1/security/login',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: options.username,
        password: options.password,
        provider: options.provider ?? 'db',
        refresh: false,
      }),
    },
    'the login',
  )) as { access_token?: unknown };
  if (typeof login.access_token !== 'string') {
    throw new DruidError('http', 'Superset answered the login without an access_token.');
  }
  const auth = { Authorization: `Bearer ${login.access_token}` };
  const csrf = (await call(
    '/api/v1/security/csrf_token/',
    { headers: auth },
    'the CSRF token request',
  )) as { result?: unknown };
  if (typeof csrf.result !== 'string') {
    throw new DruidError('http', 'Superset answered the CSRF token request without a token.');
  }
  const writeHeaders = { ...auth, 'X-CSRFToken': csrf.result, Referer: `${base}/` };
  const { bundle } = options;
  for (const [endpoint, type] of [
    ['dataset', 'SqlaTable'],
    ['chart', 'Slice'],
    ['dashboard', 'Dashboard'],
  ] as const) {
    const form = new FormData();
    form.append(
      'formData',
      new Blob([bundle.zip(type)], { type: 'application/zip' }),
      `${bundle.root}.zip`,
    );
    form.append('overwrite', String(overwrite));
    if (options.passwords !== undefined) {
      // Superset keys passwords by the file's path inside the zip, top folder included.
      const passwords = Object.fromEntries(
        Object.entries(options.passwords).map(([path, password]) => [
          path.startsWith(`${bundle.root}/`) ? path : `${bundle.root}/${path}`,
          password,
        ]),
      );
      form.append('passwords', JSON.stringify(passwords));
    }
    await call(
      `/api/v1/${endpoint}/import/`,
      { method: 'POST', headers: writeHeaders, body: form },
      `the ${endpoint} import`,
    );
  }
  const dashboard = (await call(
    `/api/v1/dashboard/${encodeURIComponent(bundle.slug)}`,
    { headers: auth },
    'the dashboard lookup',
  )) as { result?: { id?: unknown; url?: unknown } };
  const id = dashboard.result?.id;
  if (typeof id !== 'number') {
    throw new DruidError('http', `Superset lists no dashboard ${bundle.slug} after the import.`);
  }
  const path =
    typeof dashboard.result?.url === 'string'
      ? dashboard.result.url
      : `/superset/dashboard/${bundle.slug}/`;
  return { id, url: `${base}${path}` };
}

// Superset answers errors as { message } (a string or per-file details) or { errors: [...] }.
function supersetMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500) || '(no body)';
  if (typeof body === 'object' && body !== null) {
    const { message, errors } = body as { message?: unknown; errors?: unknown };
    if (typeof message === 'string') return message;
    if (Array.isArray(errors) && errors.length > 0) {
      return errors
        .map((error) => {
          const { message: text, extra } = error as { message?: unknown; extra?: unknown };
          return `${String(text)}${extra === undefined ? '' : ` ${JSON.stringify(extra).slice(0, 500)}`}`;
        })
        .join('; ');
    }
    if (message !== undefined) return JSON.stringify(message).slice(0, 500);
  }
  return JSON.stringify(body).slice(0, 500);
}
