// Test support for the Superset dashboard: a user's way in (Chromium through the login page to the
// dashboard), reading what its charts render, and removing what an import made (REST) so that
// test runs do not pile dashboards of deleted data sources into Superset.
import type { SupersetBundle } from '@tributary/druid';
import type { Page } from 'playwright-core';
import type { SupersetSettings } from '../src/services';

/** One chart's card on the dashboard, found by the name the bundle gave it. */
const chartCard = (page: Page, name: string) =>
  page.locator(`[data-test="chart-grid-component"][data-test-chart-name="${name}"]`);

/**
 * Opens `dashboardUrl` as a user does: Superset sends the browser to its login page, the form is
 * filled and sent, and Superset sends it on to the dashboard.
 */
export async function logInToDashboard(
  page: Page,
  superset: SupersetSettings,
  dashboardUrl: string,
): Promise<void> {
  const next = new URL(dashboardUrl).pathname;
  await page.goto(`${superset.url}/login/?next=${encodeURIComponent(next)}`);
  await page.fill('[data-test="username-input"]', superset.username);
  await page.fill('[data-test="password-input"]', superset.password);
  await page.click('[data-test="login-button"]');
  await page.waitForURL((url) => url.pathname === next, { timeout: 60_000 });
}

const ERROR = '[role="alert"], .alert, [data-test="error-alert"]';

/**
 * Waits until a chart has drawn (its number, its table rows or its ECharts canvas) or shown an
 * error ({@link chartError} reads it). Charts below the fold are scrolled to first, as Superset
 * draws only what has been on screen.
 */
export async function waitForChart(page: Page, name: string, vizType: string): Promise<void> {
  const card = chartCard(page, name);
  await card.scrollIntoViewIfNeeded({ timeout: 60_000 });
  const drawn =
    vizType === 'big_number_total'
      ? '.header-line'
      : vizType === 'table'
        ? 'tbody tr td'
        : '.slice_container canvas';
  await card.locator(`${drawn}, ${ERROR}`).first().waitFor({ timeout: 120_000 });
}

/** The names of the charts on the dashboard, in page order. */
export async function chartNames(page: Page): Promise<string[]> {
  const names: string[] = [];
  for (const card of await page.locator('[data-test="chart-grid-component"]').all()) {
    names.push((await card.getAttribute('data-test-chart-name')) ?? '');
  }
  return names;
}

/** What a chart says when its query failed (empty when it did not). */
export async function chartError(page: Page, name: string): Promise<string> {
  const alerts = chartCard(page, name).locator(ERROR);
  return (await alerts.allInnerTexts()).join(' ').trim();
}

/** The text of a big number chart, as rendered (`558`, `1.17k`). */
export async function bigNumberText(page: Page, name: string): Promise<string> {
  return (await chartCard(page, name).locator('.header-line').innerText()).trim();
}

/** A table chart's header and body cells, as rendered. */
export async function tableText(
  page: Page,
  name: string,
): Promise<{ header: string[]; rows: string[][] }> {
  const card = chartCard(page, name);
  const header = (await card.locator('thead th').allInnerTexts()).map((text) => text.trim());
  const rows: string[][] = [];
  for (const row of await card.locator('tbody tr').all()) {
    rows.push((await row.locator('td').allInnerTexts()).map((text) => text.trim()));
  }
  return { header, rows };
}

/**
 * Saves the whole dashboard as a PNG, from the top: waiting for charts scrolls the page, and a
 * full-page shot of a scrolled page draws Superset's sticky header in the middle.
 */
export async function screenshotDashboard(page: Page, path: string): Promise<Buffer> {
  await page.evaluate('window.scrollTo(0, 0)');
  return page.screenshot({ path, fullPage: true });
}

/**
 * A count as Superset's `SMART_NUMBER` format renders it: whole numbers below 1000 as they are,
 * larger ones with three significant digits and an SI suffix (`1.17k`).
 */
export function smartNumber(value: number): string {
  if (Math.abs(value) < 1000) return String(value);
  const [divisor, suffix] = Math.abs(value) < 1e6 ? [1e3, 'k'] : [1e6, 'M'];
  return `${Number((value / divisor).toPrecision(3))}${suffix}`;
}

/** Logs in over REST and sends authorised calls (a write carries the CSRF token and its cookie). */
async function supersetApi(
  superset: SupersetSettings,
): Promise<(path: string, method?: 'GET' | 'DELETE') => Promise<unknown>> {
  const login = await fetch(`${superset.url}/api/v1/security/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      username: superset.username,
      password: superset.password,
      provider: 'db',
      refresh: false,
    }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const answer = await fetch(`${superset.url}/api/v1/security/csrf_token/`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const csrf = ((await answer.json()) as { result: string }).result;
  const cookie = answer.headers
    .getSetCookie()
    .map((line) => line.split(';', 1)[0])
    .join('; ');
  return async (path, method = 'GET') => {
    const send = (): Promise<Response> =>
      fetch(`${superset.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(method === 'GET'
            ? {}
            : { 'X-CSRFToken': csrf, Referer: `${superset.url}/`, Cookie: cookie }),
        },
        signal: AbortSignal.timeout(60_000),
      });
    // gunicorn drops idle keep-alive connections after 2 s: a call that meets one is sent again.
    const response = await send().catch(send);
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
}

/** Deletes the dashboard, its charts and its dataset that importing `bundle` made. */
export async function removeDashboard(
  superset: SupersetSettings,
  bundle: SupersetBundle,
  dataSource: string,
): Promise<void> {
  const api = await supersetApi(superset);
  const found = (await api(`/api/v1/dashboard/${bundle.slug}`).catch(() => undefined)) as
    { result: { id: number } } | undefined;
  if (found !== undefined) {
    const charts = (await api(`/api/v1/dashboard/${found.result.id}/charts`)) as {
      result: { id: number }[];
    };
    await api(`/api/v1/dashboard/${found.result.id}`, 'DELETE');
    const ids = charts.result.map((chart) => chart.id);
    if (ids.length > 0) await api(`/api/v1/chart/?q=!(${ids.join(',')})`, 'DELETE');
  }
  const q = `(filters:!((col:table_name,opr:eq,value:'${dataSource}')))`;
  const datasets = (await api(`/api/v1/dataset/?q=${encodeURIComponent(q)}`)) as {
    result: { id: number }[];
  };
  for (const dataset of datasets.result) await api(`/api/v1/dataset/${dataset.id}`, 'DELETE');
}
