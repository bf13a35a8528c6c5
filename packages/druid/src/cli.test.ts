import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import {
  createSupersetBundle,
  createSupervisorSpec,
  runCli,
  SUPERSET_COLUMN_CANDIDATES,
  type CliOptions,
  type FetchFunction,
} from './index';

function cli(argv: string[], overrides: Partial<CliOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const binaries = new Map<string, Uint8Array>();
  const options: CliOptions = {
    argv,
    env: { DRUID_OVERLORD_URL: 'http://overlord:8081', DRUID_BROKER_URL: 'http://broker:8082' },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readFile: (path) => {
      const text = files.get(path);
      return text === undefined
        ? Promise.reject(new Error(`ENOENT ${path}`))
        : Promise.resolve(text);
    },
    writeFile: (path, data) => {
      if (typeof data === 'string') files.set(path, data);
      else binaries.set(path, data);
      return Promise.resolve();
    },
    ...overrides,
  };
  return { run: () => runCli(options), out, err, files, binaries };
}

function jsonFetch(routes: Record<string, unknown>): { fetch: FetchFunction; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchFunction = (url) => {
    urls.push(url);
    const key = Object.keys(routes).find((part) => url.includes(part));
    return Promise.resolve(
      new Response(JSON.stringify(key === undefined ? {} : routes[key]), { status: 200 }),
    );
  };
  return { fetch, urls };
}

describe('tributary-druid', () => {
  it('prints a spec for a built-in schema', async () => {
    const { run, out } = cli([
      'spec',
      '--schema',
      'tributary',
      '--datasource',
      'clicks',
      '--topic',
      'clicks',
      '--rollup',
      '--earliest',
      '--task-count',
      '2',
      '--bootstrap',
      'kafka:9092',
    ]);
    expect(await run()).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(
      createSupervisorSpec({
        schema: tributaryEventRecord,
        dataSource: 'clicks',
        topic: 'clicks',
        bootstrapServers: 'kafka:9092',
        rollup: true,
        useEarliestOffset: true,
        taskCount: 2,
      }),
    );
  });

  it('reads an .avsc file and writes the Turnilo cube to a file', async () => {
    const { run, files, err } = cli([
      'turnilo',
      '--schema',
      'my.avsc',
      '--datasource',
      'clicks',
      '--out',
      'cube.yaml',
    ]);
    files.set('my.avsc', JSON.stringify(tributaryEventRecord.schema));
    expect(await run()).toBe(0);
    expect(files.get('cube.yaml')).toContain('url: "http://broker:8082"');
    expect(err.join('')).toContain('wrote cube.yaml');
  });

  it('checks a spec with the sampler before submitting it, and refuses a failing one', async () => {
    const spec = createSupervisorSpec({
      schema: tributaryEventRecord,
      dataSource: 'c',
      topic: 't',
      bootstrapServers: 'k:1',
    });
    const good = jsonFetch({
      '/sampler': { numRowsRead: 3, numRowsIndexed: 3, data: [{}, {}, {}] },
      '/supervisor': { id: 'c' },
    });
    const ok = cli(['submit', 'spec.json'], { fetch: good.fetch });
    ok.files.set('spec.json', JSON.stringify(spec));
    expect(await ok.run()).toBe(0);
    expect(ok.out.join('')).toBe('c\n');
    expect(ok.err.join('')).toContain('3 records read, 3 rows parsed, none unparseable');
    expect(good.urls).toEqual([
      'http://overlord:8081/druid/indexer/v1/sampler',
      'http://overlord:8081/druid/indexer/v1/supervisor?skipRestartIfUnmodified=true',
    ]);

    const bad = jsonFetch({
      '/sampler': {
        numRowsRead: 1,
        numRowsIndexed: 0,
        data: [{ unparseable: true, error: 'bad datum' }],
      },
    });
    const refused = cli(['submit', 'spec.json'], { fetch: bad.fetch });
    refused.files.set('spec.json', JSON.stringify(spec));
    expect(await refused.run()).toBe(1);
    expect(refused.err.join('')).toContain('✗ bad datum');
    expect(bad.urls).toHaveLength(1);
  });

  it('shows a supervisor’s status and runs SQL', async () => {
    const { fetch } = jsonFetch({
      '/status': {
        payload: {
          dataSource: 'c',
          stream: 't',
          state: 'RUNNING',
          detailedState: 'RUNNING',
          healthy: true,
          activeTasks: [{ id: 'x' }],
          publishingTasks: [],
          aggregateLag: 0,
          recentErrors: [],
        },
      },
      '/stats': { '0': { x: { totals: { buildSegments: { processed: 9, unparseable: 0 } } } } },
      '/druid/v2/sql': [['n'], ['LONG'], ['BIGINT'], [9]],
    });
    const status = cli(['status', 'c'], { fetch });
    expect(await status.run()).toBe(0);
    expect(status.out.join('')).toMatch(
      /state\s+RUNNING \/ RUNNING\n[\s\S]*rows\s+9 processed, 0 unparseable/,
    );
    const sql = cli(['sql', 'SELECT COUNT(*) AS n FROM c'], { fetch });
    expect(await sql.run()).toBe(0);
    expect(sql.out.join('')).toBe('{"n":9}\n');
    expect(sql.err.join('')).toBe('1 row\n');
  });

  it('explains usage errors with exit code 2 and Druid errors with exit code 1', async () => {
    expect(await cli([]).run()).toBe(2);
    expect(await cli(['--help']).run()).toBe(0);
    const unknown = cli(['frobnicate']);
    expect(await unknown.run()).toBe(2);
    expect(unknown.err.join('')).toContain('Unknown command "frobnicate"');
    const missing = cli(['spec', '--schema', 'tributary']);
    expect(await missing.run()).toBe(2);
    expect(missing.err.join('')).toContain('--datasource is required');
    expect(
      await cli([
        'spec',
        '--schema',
        'tributary',
        '--datasource',
        'd',
        '--topic',
        't',
        '--nested',
        'deep',
      ]).run(),
    ).toBe(2);
    expect(await cli(['spec', '--bogus']).run()).toBe(2);
    const down = cli(['sql', 'SELECT 1'], {
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    expect(await down.run()).toBe(1);
    expect(down.err.join('')).toContain('Druid is not reachable');
  });
});

describe('the tributary-druid bin', () => {
  it('is a committed launcher, so installs link it before the build, and runs the built CLI', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { bin: Record<string, string> };
    const launcher = fileURLToPath(
      new URL(`../${manifest.bin['tributary-druid']}`, import.meta.url),
    );
    expect(launcher.endsWith('/bin/tributary-druid.js')).toBe(true);
    // The test command builds before it tests; dist/bin.js is the CLI the launcher starts.
    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('tributary-druid spec');
  });
});

describe('tributary-druid spec: column options and the summary', () => {
  const orderSchema = JSON.stringify({
    type: 'record',
    name: 'Order',
    fields: [
      { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'customerId', type: 'string' },
      { name: 'visitorId', type: 'string' },
      { name: 'visit', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'latitude', type: ['null', 'double'] },
      { name: 'location', type: 'string' },
    ],
  });
  const specArgs = ['spec', '--schema', 'order.avsc', '--datasource', 'orders', '--topic', 'o'];

  it('names the party and session fields, keeps and sums named fields', async () => {
    const { run, out, files } = cli([
      ...specArgs,
      '--rollup',
      '--party-field',
      'visitorId',
      '--session-field',
      'visit',
      '--dimension',
      'customerId',
      '--metric',
      'quantity',
    ]);
    files.set('order.avsc', orderSchema);
    expect(await run()).toBe(0);
    const spec = JSON.parse(out.join('')) as ReturnType<typeof createSupervisorSpec>;
    expect(spec).toEqual(
      createSupervisorSpec({
        schema: orderSchema,
        dataSource: 'orders',
        topic: 'o',
        bootstrapServers: '127.0.0.1:9092',
        rollup: true,
        partyIdField: 'visitorId',
        sessionIdField: 'visit',
        dimensions: ['customerId'],
        metrics: ['quantity'],
      }),
    );
    const { dimensionsSpec, metricsSpec } = spec.spec.dataSchema;
    expect(dimensionsSpec?.dimensions.map((d) => d.name)).toEqual([
      'customerId',
      'latitude',
      'pagePath',
    ]);
    expect(metricsSpec.map((m) => [m.name, 'fieldName' in m ? m.fieldName : null])).toEqual([
      ['count', null],
      ['sum_quantity', 'quantity'],
      ['unique_parties', 'visitorId'],
      ['unique_sessions', 'visit'],
    ]);
  });

  it('prints on stderr what each field became and by which rule', async () => {
    const { run, err, out, files } = cli([
      ...specArgs,
      '--rollup',
      '--party-field',
      'visitorId',
      '--session-field',
      'none',
    ]);
    files.set('order.avsc', orderSchema);
    expect(await run()).toBe(0);
    expect(() => JSON.parse(out.join('')) as unknown).not.toThrow();
    const summary = err.join('');
    expect(summary).toMatch(/^orders: rolled up, 4 dimensions, 2 metrics, 3 fields left out\n/);
    const lines = [
      /timestamp +__time \(millis\) +the timestamp field/,
      /customerId +left out +rollup: a name ending in Id .*\(--dimension customerId keeps it\)/,
      /visitorId +left out +rollup: counted by its sketch/,
      /visit +string dimension +typed from its Avro type/,
      /quantity +long dimension +rollup: a number is summed only when named \(--metric quantity sums it\)/,
      /latitude +double dimension +rollup: a number is summed only when named/,
      /location +left out +rollup: the full URL; its derived column stays/,
      /location +pagePath: string dimension +derived from location \(--no-derived drops it\)/,
      /\(each row\) +count \(count\)/,
      /visitorId +unique_parties \(HLLSketchBuild\) +unique visitors \(--party-field F or none\)/,
    ];
    for (const line of lines) expect(summary).toMatch(line);
    expect(summary).not.toContain('unique_sessions');
    // Without rollup every field is a typed dimension.
    const raw = cli(specArgs);
    raw.files.set('order.avsc', orderSchema);
    expect(await raw.run()).toBe(0);
    expect(raw.err.join('')).toMatch(/customerId +string dimension +typed from its Avro type/);
    expect(raw.err.join('')).toMatch(/^orders: raw, 7 dimensions, 0 metrics, 0 fields left out\n/);
  });

  it('gives the spec command the rest of the API’s options', async () => {
    const { run, out } = cli([
      'spec',
      '--schema',
      'tributary',
      '--datasource',
      'clicks',
      '--topic',
      'clicks',
      '--supervisor-id',
      'clicks-v2',
      '--timestamp',
      'clientTimestamp',
      '--timestamp-format',
      'millis',
      '--no-derived',
      '--transform',
      'kind=lower("eventType")',
      '--exclude',
      'timestamp',
      '--rollup',
      '--rollup-exclude',
      'eventId',
      '--query-granularity',
      'hour',
      '--segment-granularity',
      'day',
      '--registry',
      'http://registry:8081',
      '--registry-header',
      'authorization=Basic eA==',
      '--registry-config',
      '{"basic.auth.credentials.source":"USER_INFO"}',
      '--start-delay',
      'PT1S',
      '--period',
      'PT10S',
      '--late-message-rejection-period',
      'P1D',
      '--consumer-property',
      'security.protocol=SSL',
      '--tuning-config',
      '{"maxRowsInMemory":1000}',
      '--suspended',
    ]);
    expect(await run()).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(
      createSupervisorSpec({
        schema: tributaryEventRecord,
        dataSource: 'clicks',
        topic: 'clicks',
        bootstrapServers: '127.0.0.1:9092',
        supervisorId: 'clicks-v2',
        timestampColumn: 'clientTimestamp',
        timestampFormat: 'millis',
        derivedColumns: false,
        transforms: [{ type: 'expression', name: 'kind', expression: 'lower("eventType")' }],
        exclude: ['timestamp'],
        rollup: true,
        rollupExclude: ['eventId'],
        queryGranularity: 'hour',
        segmentGranularity: 'day',
        decoder: {
          type: 'schema_registry',
          url: 'http://registry:8081',
          config: { 'basic.auth.credentials.source': 'USER_INFO' },
          headers: { authorization: 'Basic eA==' },
        },
        startDelay: 'PT1S',
        period: 'PT10S',
        lateMessageRejectionPeriod: 'P1D',
        consumerProperties: { 'security.protocol': 'SSL' },
        tuningConfig: { maxRowsInMemory: 1000 },
        suspended: true,
      }),
    );
  });

  it('writes the Turnilo cube of the same columns', async () => {
    const { run, out, err, files } = cli([
      'turnilo',
      '--schema',
      'order.avsc',
      '--datasource',
      'orders',
      '--rollup',
      '--metric',
      'quantity',
      '--party-field',
      'visitorId',
    ]);
    files.set('order.avsc', orderSchema);
    expect(await run()).toBe(0);
    expect(out.join('')).toContain('formula: "$main.sum($sum_quantity)"');
    expect(out.join('')).toContain('formula: "$main.countDistinct($unique_parties)"');
    expect(err.join('')).toMatch(/quantity +sum_quantity \(longSum\) +named with --metric/);
  });

  it.each([
    [
      'a transform without =',
      ['--transform', 'lower("x")'],
      2,
      /--transform takes NAME=EXPRESSION/,
    ],
    ['tuning that is not a JSON object', ['--tuning-config', '[1]'], 2, /JSON object/],
    ['a registry header without a registry', ['--registry-header', 'a=b'], 2, /need --registry/],
    ['a metric that is not a number', ['--rollup', '--metric', 'location'], 1, /not a number/],
    ['an unknown dimension', ['--rollup', '--dimension', 'nope'], 1, /dimensions names nope/],
    ['an unknown party field', ['--rollup', '--party-field', 'nope'], 1, /no field nope/],
  ])('refuses %s', async (_, extra, code, message) => {
    const { run, err, out, files } = cli([...specArgs, ...extra]);
    files.set('order.avsc', orderSchema);
    expect(await run()).toBe(code);
    expect(err.join('')).toMatch(message);
    expect(out).toEqual([]);
  });

  it('refuses a recursive schema and a field named __time with the field’s name', async () => {
    const recursive = cli([...specArgs]);
    recursive.files.set(
      'order.avsc',
      JSON.stringify({
        type: 'record',
        name: 'Order',
        fields: [
          { name: 'timestamp', type: 'long' },
          { name: 'parent', type: ['null', 'Order'] },
        ],
      }),
    );
    expect(await recursive.run()).toBe(1);
    expect(recursive.err.join('')).toMatch(/^tributary-druid: Order\.parent: .*recursive/);
    const time = cli([...specArgs]);
    time.files.set(
      'order.avsc',
      JSON.stringify({
        type: 'record',
        name: 'Order',
        fields: [
          { name: 'timestamp', type: 'long' },
          { name: '__time', type: 'string' },
        ],
      }),
    );
    expect(await time.run()).toBe(1);
    expect(time.err.join('')).toContain('--exclude __time');
    const excluded = cli([...specArgs, '--exclude', '__time']);
    excluded.files.set('order.avsc', time.files.get('order.avsc')!);
    expect(await excluded.run()).toBe(0);
  });

  describe('superset', () => {
    const bundleArgs = ['superset', '--schema', 'tributary', '--datasource', 'clicks'];

    // Superset's REST API as importSupersetBundle uses it (superset-client.test.ts has the details).
    function fakeSuperset(): { fetch: FetchFunction; calls: string[]; forms: FormData[] } {
      const calls: string[] = [];
      const forms: FormData[] = [];
      const fetch: FetchFunction = (url, init) => {
        calls.push(`${init?.method ?? 'GET'} ${url}`);
        if (init?.body instanceof FormData) forms.push(init.body);
        const path = new URL(url).pathname;
        const body =
          path === '/api/v1/security/login'
            ? { access_token: 'token-1', password: JSON.parse(init!.body as string) as unknown }
            : path === '/api/v1/security/csrf_token/'
              ? { result: 'csrf-1' }
              : path.endsWith('/import/')
                ? { message: 'OK' }
                : { result: { id: 7, url: '/superset/dashboard/tributary-clicks/' } };
        return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
      };
      return { fetch, calls, forms };
    }

    it('writes the bundle zip for the dashboard options and prints each role’s column', async () => {
      const { run, out, err, binaries } = cli([
        ...bundleArgs,
        '--title',
        'Clicks live',
        '--time-range',
        'Last day',
        '--time-grain',
        'PT5M',
        '--refresh',
        '0',
        '--top',
        '5',
        '--column',
        'device=none',
        '--column',
        'page=location',
        '--out',
        'clicks.zip',
      ]);
      expect(await run()).toBe(0);
      const bundle = createSupersetBundle({
        schema: tributaryEventRecord,
        dataSource: 'clicks',
        title: 'Clicks live',
        timeRange: 'Last day',
        timeGrain: 'PT5M',
        refreshSeconds: 0,
        topN: 5,
        columns: { device: null, page: 'location' },
        databaseUri: 'druid://broker:8082/druid/v2/sql',
      });
      const zip = binaries.get('clicks.zip')!;
      expect(zip).toEqual(bundle.zip());
      const names = Buffer.from(zip).toString('latin1');
      for (const path of bundle.files.keys()) expect(names).toContain(`${bundle.root}/${path}`);
      expect(out).toEqual([]);
      const summary = err.join('');
      expect(summary).toContain('clicks: raw,');
      expect(summary).toMatch(/\n {2}page +location\n/);
      expect(summary).toMatch(/\n {2}device +\(none: chart left out\)\n/);
      expect(summary).toMatch(/\n {2}country +geoCountryCode\n/);
      expect(summary).toContain(`${bundle.charts.length} charts`);
      expect(summary).toContain('wrote clicks.zip');
    });

    it('imports into Superset with the password from env and prints the dashboard URL', async () => {
      const superset = fakeSuperset();
      const { run, out } = cli([...bundleArgs, '--import', '--superset-user', 'ops'], {
        env: {
          DRUID_BROKER_URL: 'http://broker:8082',
          SUPERSET_URL: 'http://superset:8088/',
          SUPERSET_PASSWORD: 'secret',
        },
        fetch: superset.fetch,
      });
      expect(await run()).toBe(0);
      expect(out.join('')).toBe('http://superset:8088/superset/dashboard/tributary-clicks/\n');
      expect(superset.calls).toEqual([
        'POST http://superset:8088/api/v1/security/login',
        'GET http://superset:8088/api/v1/security/csrf_token/',
        'POST http://superset:8088/api/v1/dataset/import/',
        'POST http://superset:8088/api/v1/chart/import/',
        'POST http://superset:8088/api/v1/dashboard/import/',
        'GET http://superset:8088/api/v1/dashboard/tributary-clicks',
      ]);
      expect(superset.forms.map((form) => form.get('overwrite'))).toEqual(['true', 'true', 'true']);

      const again = fakeSuperset();
      const kept = cli(
        [...bundleArgs, '--import', '--no-overwrite', '--superset', 'http://other:1'],
        { env: { SUPERSET_PASSWORD: 'secret' }, fetch: again.fetch },
      );
      expect(await kept.run()).toBe(0);
      expect(kept.out.join('')).toBe('http://other:1/superset/dashboard/tributary-clicks/\n');
      expect(again.forms.map((form) => form.get('overwrite'))).toEqual(['false', 'false', 'false']);
    });

    it('refuses --import without SUPERSET_PASSWORD before reaching Superset', async () => {
      const superset = fakeSuperset();
      const { run, err, out } = cli([...bundleArgs, '--import'], { fetch: superset.fetch });
      expect(await run()).toBe(2);
      expect(err.join('')).toMatch(/--import needs the Superset password in env SUPERSET_PASSWORD/);
      expect(superset.calls).toEqual([]);
      expect(out).toEqual([]);
    });

    it.each([
      ['neither --out nor --import', [], 2, /needs --out FILE\.zip, --import or both/],
      ['a negative refresh', ['--refresh=-1', '--out', 'x.zip'], 2, /--refresh needs/],
      ['a top of 0', ['--top=0', '--out', 'x.zip'], 2, /--top needs a positive integer/],
      ['an unknown role', ['--column', 'nope=x', '--out', 'x.zip'], 2, /no role nope/],
      ['a role without =', ['--column', 'page', '--out', 'x.zip'], 2, /--column takes/],
      [
        'a column the datasource lacks',
        ['--column', 'page=nope', '--out', 'x.zip'],
        1,
        /^tributary-druid: columns\.page names nope/,
      ],
    ])('refuses %s', async (_, extra, code, message) => {
      const { run, err, out, binaries } = cli([...bundleArgs, ...extra]);
      expect(await run()).toBe(code);
      expect(err.join('')).toMatch(message);
      expect(out).toEqual([]);
      expect(binaries.size).toBe(0);
    });

    it('is listed in --help', async () => {
      const { run, out } = cli(['--help']);
      expect(await run()).toBe(0);
      expect(out.join('')).toContain('tributary-druid superset --schema S --datasource D');
      expect(out.join('')).toContain('SUPERSET_PASSWORD');
      for (const role of Object.keys(SUPERSET_COLUMN_CANDIDATES)) {
        expect(out.join('')).toMatch(new RegExp(`\\b${role}\\b`));
      }
    });
  });
});
