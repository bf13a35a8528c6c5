// Against a real Superset (infra/superset/superset.sh) and, for the charts' numbers, a real Druid
// (infra/druid/druid.sh): the generated bundle for the default Tributary record is imported over
// REST, read back through Superset's API, imported again from a changed schema plan, and, when
// Druid is up, its charts' saved queries run through Superset on rows ingested here.
// Under CI=true a missing service fails the suite.
import { randomUUID } from 'node:crypto';
import { tributaryEventRecord } from '@tributary/schema';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, itWithServices, type ServiceNeed } from '../../../test/services';
import { brokerUrl, druidNeed as findDruid, overlordUrl } from '../test/services';
import {
  createDruidClient,
  createSupersetBundle,
  createSupervisorSpec,
  importSupersetBundle,
  SUPERSET_DRUID_DATABASE_UUID,
  type SupersetBundle,
} from './index';

const supersetUrl = process.env.SUPERSET_URL ?? 'http://127.0.0.1:18088';
const username = process.env.SUPERSET_ADMIN_USER ?? 'admin';
const password = process.env.SUPERSET_ADMIN_PASSWORD ?? 'admin';
// A fixed name for the import tests: a second run imports over the first (overwrite), as a user
// regenerating would. The Druid tests ingest into names of their own and delete them afterwards.
const RAW = 'tributary_superset_test';
const run = randomUUID().slice(0, 8);
const DATA_RAW = `tributary_superset_${run}`;
const DATA_ROLLUP = `tributary_superset_${run}_rollup`;

async function answers(url: string, check: (response: Response) => boolean): Promise<boolean> {
  try {
    return check(await fetch(url, { signal: AbortSignal.timeout(3000) }));
  } catch {
    return false;
  }
}

const supersetUp = await answers(`${supersetUrl}/health`, (response) => response.ok);
const supersetNeed: ServiceNeed = {
  name: `Superset at ${supersetUrl}`,
  available: supersetUp,
  start: 'infra/superset/superset.sh start',
};
const druidNeed = await findDruid();

let token = '';
let csrf = '';
let cookie = '';
async function api<T>(path: string, method = 'GET'): Promise<T> {
  const send = (): Promise<Response> =>
    fetch(`${supersetUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(method === 'GET'
          ? {}
          : { 'X-CSRFToken': csrf, Referer: `${supersetUrl}/`, Cookie: cookie }),
      },
      signal: AbortSignal.timeout(120_000),
    });
  // gunicorn drops idle keep-alive connections after 2 s: a call that meets one is sent again.
  const response = await send().catch(send);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as T;
}

interface DatasetDetail {
  id: number;
  table_name: string;
  database: { id: number; database_name: string };
  columns: { column_name: string; is_dttm: boolean; type: string }[];
  metrics: { metric_name: string; expression: string }[];
}

async function datasetsNamed(name: string): Promise<{ id: number }[]> {
  const q = `(filters:!((col:table_name,opr:eq,value:'${name}')))`;
  return (await api<{ result: { id: number }[] }>(`/api/v1/dataset/?q=${encodeURIComponent(q)}`))
    .result;
}

async function dashboardCharts(id: number): Promise<{ id: number; slice_name: string }[]> {
  return (
    await api<{ result: { id: number; slice_name: string }[] }>(`/api/v1/dashboard/${id}/charts`)
  ).result;
}

describeWithServices([supersetNeed], 'a real Superset imports the generated dashboard', () => {
  beforeAll(async () => {
    const response = await fetch(`${supersetUrl}/api/v1/security/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password, provider: 'db', refresh: false }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    const answer = await fetch(`${supersetUrl}/api/v1/security/csrf_token/`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    csrf = ((await answer.json()) as { result: string }).result;
    cookie = answer.headers
      .getSetCookie()
      .map((line) => line.split(';', 1)[0])
      .join('; ');
  });

  it('imports dataset, charts and dashboard onto the existing Druid database', async () => {
    const bundle = createSupersetBundle({ schema: tributaryEventRecord, dataSource: RAW });
    const imported = await importSupersetBundle({ url: supersetUrl, username, password, bundle });
    expect(imported.url).toBe(`${supersetUrl}/superset/dashboard/${bundle.slug}/`);
    const page = await fetch(imported.url, { redirect: 'manual' });
    // Not logged in in a browser: Superset sends it to the login page, so the route exists.
    expect([200, 302]).toContain(page.status);

    const databases = (
      await api<{ result: { id: number; uuid: string; database_name: string }[] }>(
        '/api/v1/database/?q=(page_size:100)',
      )
    ).result;
    expect(databases.filter((database) => database.database_name === 'Druid')).toHaveLength(1);
    const druid = databases.find((database) => database.uuid === SUPERSET_DRUID_DATABASE_UUID)!;

    const [dataset] = await datasetsNamed(RAW);
    expect(await datasetsNamed(RAW)).toHaveLength(1);
    const detail = (await api<{ result: DatasetDetail }>(`/api/v1/dataset/${dataset!.id}`)).result;
    expect(detail.database.id).toBe(druid.id);
    expect(detail.columns.find((column) => column.column_name === '__time')).toMatchObject({
      is_dttm: true,
      type: 'TIMESTAMP',
    });
    expect(detail.metrics.map((metric) => [metric.metric_name, metric.expression]).sort()).toEqual([
      ['events', 'COUNT(*)'],
      ['sessions', 'COUNT(DISTINCT "sessionId")'],
      ['unique_visitors', 'COUNT(DISTINCT "partyId")'],
    ]);

    const dashboard = (
      await api<{ result: { id: number; json_metadata: string; dashboard_title: string } }>(
        `/api/v1/dashboard/${bundle.slug}`,
      )
    ).result;
    expect(dashboard.id).toBe(imported.id);
    const charts = await dashboardCharts(dashboard.id);
    expect(charts.map((chart) => chart.slice_name).sort()).toEqual(
      bundle.charts.map((chart) => chart.name).sort(),
    );
    const metadata = JSON.parse(dashboard.json_metadata) as {
      refresh_frequency: number;
      native_filter_configuration: { name: string; targets: { datasetId?: number }[] }[];
    };
    expect(metadata.refresh_frequency).toBe(60);
    // The importer turned each filter's dataset uuid into this Superset's dataset id.
    for (const filter of metadata.native_filter_configuration.slice(1)) {
      expect(filter.targets[0]!.datasetId, filter.name).toBe(dataset!.id);
    }
    for (const chart of charts) {
      const saved = (
        await api<{ result: { datasource_id: number; query_context: string | null } }>(
          `/api/v1/chart/${chart.id}`,
        )
      ).result;
      expect(saved.datasource_id, chart.slice_name).toBe(dataset!.id);
      expect(JSON.parse(saved.query_context!)).toMatchObject({
        datasource: { id: dataset!.id, type: 'table' },
      });
    }
  });

  it('replaces the dataset metrics and charts when a changed plan is imported again', async () => {
    const schema = tributaryEventRecord;
    const first = createSupersetBundle({ schema, dataSource: RAW, title: 'Superset test' });
    await importSupersetBundle({ url: supersetUrl, username, password, bundle: first });
    // Same datasource, other party field and fewer charts: one dataset, new metric, fewer charts.
    const second = createSupersetBundle({
      schema,
      dataSource: RAW,
      title: 'Superset test',
      partyIdField: 'pageViewId',
      columns: { browser: null, device: null },
    });
    const imported = await importSupersetBundle({
      url: supersetUrl,
      username,
      password,
      bundle: second,
    });
    const [dataset] = await datasetsNamed(RAW);
    expect(await datasetsNamed(RAW)).toHaveLength(1);
    const detail = (await api<{ result: DatasetDetail }>(`/api/v1/dataset/${dataset!.id}`)).result;
    expect(
      detail.metrics.find((metric) => metric.metric_name === 'unique_visitors')?.expression,
    ).toBe('COUNT(DISTINCT "pageViewId")');
    const names = (await dashboardCharts(imported.id)).map((chart) => chart.slice_name);
    expect(names.sort()).toEqual(second.charts.map((chart) => chart.name).sort());
    expect(names).not.toContain('Browsers');
  });

  describeWithServices([druidNeed], 'with a real Druid', () => {
    const now = Date.now();
    // 30 events over the last 20 minutes: 3 visitors, 2 pages, 2 countries, 2 event types.
    const rows = Array.from({ length: 30 }, (_, index) => ({
      timestamp: now - (index % 20) * 60_000 - 1_000,
      eventId: `e${index}`,
      eventType: index % 3 === 0 ? 'signup' : 'pageView',
      partyId: `p${index % 3}`,
      sessionId: `s${index % 6}`,
      pageViewId: `v${index}`,
      newParty: index < 3 ? 1 : 0,
      firstInSession: index < 6 ? 1 : 0,
      location: index % 2 === 0 ? 'https://shop.example/' : 'https://shop.example/cart?x=1',
      referrer: 'https://www.search.example/q',
      utmCampaign: index % 5 === 0 ? 'winter' : null,
      geoCountryCode: index % 4 === 0 ? 'NL' : 'DE',
      browserName: 'Chrome',
      deviceType: 'desktop',
    }));
    const druid = createDruidClient({ overlordUrl, brokerUrl });
    const bundles: Record<string, SupersetBundle> = {};

    beforeAll(async () => {
      for (const dataSource of [DATA_RAW, DATA_ROLLUP]) {
        const rollup = dataSource === DATA_ROLLUP;
        const spec = createSupervisorSpec({
          schema: tributaryEventRecord,
          dataSource,
          topic: 'unused',
          bootstrapServers: 'unused:9092',
          rollup,
        });
        // Native batch from inline JSON: the same dataSchema the Kafka supervisor would use.
        const task = {
          type: 'index_parallel',
          spec: {
            dataSchema: {
              ...spec.spec.dataSchema,
              granularitySpec: {
                ...spec.spec.dataSchema.granularitySpec,
                segmentGranularity: 'day',
              },
            },
            ioConfig: {
              type: 'index_parallel',
              inputSource: {
                type: 'inline',
                data: rows.map((row) => JSON.stringify(row)).join('\n'),
              },
              inputFormat: { type: 'json' },
              appendToExisting: false,
            },
            tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: 1 },
          },
        };
        const response = await fetch(`${overlordUrl}/druid/indexer/v1/task`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(task),
        });
        expect(response.status, await response.clone().text()).toBe(200);
        bundles[dataSource] = createSupersetBundle({
          schema: tributaryEventRecord,
          dataSource,
          rollup,
        });
      }
      for (const dataSource of [DATA_RAW, DATA_ROLLUP]) {
        await druid.waitForRows(dataSource, {
          minRows: rows.length,
          countExpression: dataSource === DATA_ROLLUP ? 'SUM("count")' : 'COUNT(*)',
          timeoutMs: 300_000,
        });
        await importSupersetBundle({
          url: supersetUrl,
          username,
          password,
          bundle: bundles[dataSource]!,
        });
      }
    }, 400_000);

    afterAll(async () => {
      for (const dataSource of [DATA_RAW, DATA_ROLLUP]) {
        const bundle = bundles[dataSource];
        if (bundle !== undefined) {
          const found = await api<{ result: { id: number } }>(
            `/api/v1/dashboard/${bundle.slug}`,
          ).catch(() => undefined);
          if (found !== undefined) {
            const ids = (await dashboardCharts(found.result.id)).map((chart) => chart.id);
            await api(`/api/v1/dashboard/${found.result.id}`, 'DELETE');
            await api(`/api/v1/chart/?q=!(${ids.join(',')})`, 'DELETE');
          }
          for (const dataset of await datasetsNamed(dataSource)) {
            await api(`/api/v1/dataset/${dataset.id}`, 'DELETE');
          }
        }
        await fetch(`${overlordUrl}/druid/coordinator/v1/datasources/${dataSource}`, {
          method: 'DELETE',
        });
      }
    }, 120_000);

    async function chartData(dataSource: string, name: string): Promise<Record<string, unknown>[]> {
      const bundle = bundles[dataSource]!;
      const { id } = (await api<{ result: { id: number } }>(`/api/v1/dashboard/${bundle.slug}`))
        .result;
      const chart = (await dashboardCharts(id)).find((candidate) => candidate.slice_name === name);
      expect(chart, name).toBeDefined();
      const answer = await api<{ result: { data: Record<string, unknown>[]; status?: string }[] }>(
        `/api/v1/chart/${chart!.id}/data/?force=true`,
      );
      return answer.result[0]!.data;
    }

    for (const dataSource of [DATA_RAW, DATA_ROLLUP]) {
      itWithServices(
        [druidNeed],
        `answers the charts' saved queries from Druid (${dataSource})`,
        async () => {
          expect(await chartData(dataSource, 'Events')).toEqual([{ events: rows.length }]);
          // Three visitors, whether counted exactly (raw) or from the HLL sketch (rollup).
          expect(await chartData(dataSource, 'Unique visitors')).toEqual([{ unique_visitors: 3 }]);
          const pages = await chartData(dataSource, 'Top pages');
          expect(
            pages.map((row) => [row.pagePath, row.events, row.unique_visitors]).sort(),
          ).toEqual([
            ['/', 15, 3],
            ['/cart', 15, 3],
          ]);
          const countries = await chartData(dataSource, 'Countries');
          expect(countries.map((row) => [row.geoCountryCode, row.events])).toEqual([
            ['DE', 22],
            ['NL', 8],
          ]);
          const perMinute = await chartData(dataSource, 'Events and unique visitors per minute');
          expect(perMinute.reduce((sum, row) => sum + Number(row.events), 0)).toBe(rows.length);
          // Sessions started by new visitors: the first three sessions' visitors are new.
          const fresh = await chartData(dataSource, 'New and returning visitors (sessions)');
          expect(fresh.map((row) => [row.new_or_returning, row.events]).sort()).toEqual([
            ['new', 3],
            ['returning', 3],
          ]);
          const campaigns = await chartData(dataSource, 'Campaigns');
          expect(campaigns.map((row) => [row.utmCampaign, row.events]).sort()).toEqual([
            [null, 24],
            ['winter', 6],
          ]);
          // The week-ago series is queried too (Druid has no rows then: null or 0 beside ours).
          const weekAgo = await chartData(dataSource, 'Events: now and a week ago');
          expect(weekAgo.reduce((sum, row) => sum + Number(row.events), 0)).toBe(rows.length);
          expect(Object.keys(weekAgo[0]!)).toContain('events__1 week ago');
          // Every other chart's saved query answers too.
          for (const chart of bundles[dataSource]!.charts) {
            expect((await chartData(dataSource, chart.name)).length, chart.name).toBeGreaterThan(0);
          }
        },
        180_000,
      );
    }
  });
});
