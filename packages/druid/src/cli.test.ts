import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { createSupervisorSpec, runCli, type CliOptions, type FetchFunction } from './index';

function cli(argv: string[], overrides: Partial<CliOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
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
    writeFile: (path, text) => {
      files.set(path, text);
      return Promise.resolve();
    },
    ...overrides,
  };
  return { run: () => runCli(options), out, err, files };
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
