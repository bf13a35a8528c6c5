import { tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { createDruidClient, createSupervisorSpec, DruidError, type FetchFunction } from './index';

interface Call {
  url: string;
  method: string;
  body: unknown;
  headers: Record<string, string>;
}

type Reply =
  { status?: number; body: unknown } | ((call: Call) => { status?: number; body: unknown });

// An in-memory Druid: answers each request from a list of replies matched by URL substring.
function fakeDruid(routes: [string, Reply][]) {
  const calls: Call[] = [];
  const fetch: FetchFunction = (url, init) => {
    const call: Call = {
      url,
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const route = routes.find(([part]) => url.includes(part));
    if (route === undefined) return Promise.resolve(new Response('no route', { status: 404 }));
    const reply = typeof route[1] === 'function' ? route[1](call) : route[1];
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return Promise.resolve(new Response(text, { status: reply.status ?? 200 }));
  };
  return { calls, fetch };
}

const urls = { overlordUrl: 'http://overlord:8081/', brokerUrl: 'http://broker:8082' };
const spec = createSupervisorSpec({
  schema: tributaryEventRecord,
  dataSource: 'clicks',
  topic: 'clicks',
  bootstrapServers: 'kafka:9092',
});

describe('createDruidClient: supervisors', () => {
  it('submits a spec idempotently and manages the supervisor by id', async () => {
    const { calls, fetch } = fakeDruid([
      ['/supervisor?', { body: { id: 'clicks' } }],
      ['/clicks/', { body: {} }],
    ]);
    const druid = createDruidClient({ ...urls, fetch, headers: { authorization: 'Basic x' } });
    expect(await druid.submitSupervisor(spec)).toEqual({ id: 'clicks' });
    await druid.suspendSupervisor('clicks');
    await druid.resumeSupervisor('clicks');
    await druid.resetSupervisor('clicks');
    await druid.terminateSupervisor('clicks');
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST http://overlord:8081/druid/indexer/v1/supervisor?skipRestartIfUnmodified=true',
      'POST http://overlord:8081/druid/indexer/v1/supervisor/clicks/suspend',
      'POST http://overlord:8081/druid/indexer/v1/supervisor/clicks/resume',
      'POST http://overlord:8081/druid/indexer/v1/supervisor/clicks/reset',
      'POST http://overlord:8081/druid/indexer/v1/supervisor/clicks/terminate',
    ]);
    expect(calls[0]!.body).toEqual(spec);
    expect(calls[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Basic x',
    });
  });

  it('lists tasks by datasource and state, and shuts every live task of a datasource down', async () => {
    const task = (id: string, statusCode: string | null) => ({
      id,
      groupId: id,
      type: 'index_kafka',
      dataSource: 'clicks',
      statusCode,
      createdTime: '2026-11-28T06:00:00.000Z',
      location: { host: null, port: -1 },
    });
    let shutDown = new Set<string>();
    const { calls, fetch } = fakeDruid([
      [
        '/tasks?state=running',
        () => ({
          body: [task('a', 'RUNNING'), task('b', 'RUNNING')].filter(({ id }) => !shutDown.has(id)),
        }),
      ],
      ['/tasks?state=pending', () => ({ body: shutDown.has('c') ? [] : [task('c', null)] })],
      ['/tasks?state=waiting', { body: [] }],
      [
        '/shutdown',
        (call) => {
          const id = /task\/([^/]+)\/shutdown/.exec(call.url)![1]!;
          // b ends on its own between the listing and the shutdown: Druid answers 404.
          if (id === 'b') {
            shutDown.add(id);
            return { status: 404, body: { error: 'not found' } };
          }
          shutDown.add(id);
          return { body: { task: id } };
        },
      ],
    ]);
    const druid = createDruidClient({ ...urls, fetch });
    expect(await druid.listTasks({ dataSource: 'clicks', state: 'running' })).toEqual([
      {
        id: 'a',
        type: 'index_kafka',
        dataSource: 'clicks',
        statusCode: 'RUNNING',
        createdTime: '2026-11-28T06:00:00.000Z',
      },
      {
        id: 'b',
        type: 'index_kafka',
        dataSource: 'clicks',
        statusCode: 'RUNNING',
        createdTime: '2026-11-28T06:00:00.000Z',
      },
    ]);
    expect(calls[0]!.url).toBe(
      'http://overlord:8081/druid/indexer/v1/tasks?state=running&datasource=clicks',
    );
    expect(await druid.shutdownTasks('clicks', { intervalMs: 1 })).toBe(3);
    expect(calls.filter((call) => call.url.endsWith('/shutdown')).map((call) => call.url)).toEqual([
      'http://overlord:8081/druid/indexer/v1/task/a/shutdown',
      'http://overlord:8081/druid/indexer/v1/task/b/shutdown',
      'http://overlord:8081/druid/indexer/v1/task/c/shutdown',
    ]);
    shutDown = new Set();
    await expect(druid.shutdownTask('a')).resolves.toBeUndefined();
  });

  it('gives up shutting tasks down with a timeout error that names them', async () => {
    const { fetch } = fakeDruid([
      [
        '/tasks?state=running',
        {
          body: [
            {
              id: 'stuck',
              type: 'index_kafka',
              dataSource: 'clicks',
              statusCode: 'RUNNING',
              createdTime: 'x',
            },
          ],
        },
      ],
      ['/tasks?', { body: [] }],
      ['/shutdown', { body: {} }],
    ]);
    const druid = createDruidClient({ ...urls, fetch });
    const error = await druid
      .shutdownTasks('clicks', { timeoutMs: 20, intervalMs: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DruidError);
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('stuck') });
  });

  it('reads status, sums the stats of every task and returns null for an unknown spec', async () => {
    const totals = (processed: number, unparseable: number) => ({
      totals: {
        buildSegments: {
          processed,
          processedBytes: processed * 10,
          processedWithError: 0,
          unparseable,
          thrownAway: 1,
        },
      },
    });
    const { fetch } = fakeDruid([
      [
        '/clicks/status',
        {
          body: {
            id: 'clicks',
            payload: { dataSource: 'clicks', state: 'RUNNING', healthy: true },
          },
        },
      ],
      ['/clicks/stats', { body: { '0': { a: totals(5, 1), b: {} }, '1': { c: totals(7, 0) } } }],
      ['/missing', { status: 404, body: { error: 'not found' } }],
      ['/supervisor', { body: ['clicks', 'other'] }],
    ]);
    const druid = createDruidClient({ ...urls, fetch });
    expect(await druid.supervisorStatus('clicks')).toMatchObject({
      state: 'RUNNING',
      healthy: true,
    });
    expect(await druid.supervisorStats('clicks')).toEqual({
      processed: 12,
      processedBytes: 120,
      processedWithError: 0,
      unparseable: 1,
      thrownAway: 2,
    });
    expect(await druid.getSupervisor('missing')).toBeNull();
    expect(await druid.listSupervisors()).toEqual(['clicks', 'other']);
  });

  it('turns HTTP errors, refused connections and timeouts into DruidErrors', async () => {
    const { fetch } = fakeDruid([
      [
        '/supervisor',
        {
          status: 400,
          body: { error: 'druidException', errorMessage: 'Cannot construct instance of avro' },
        },
      ],
    ]);
    await expect(
      createDruidClient({ ...urls, fetch }).submitSupervisor(spec),
    ).rejects.toMatchObject({
      name: 'DruidError',
      code: 'http',
      status: 400,
      message: expect.stringContaining('Cannot construct instance of avro') as unknown,
    });
    const refused: FetchFunction = () => Promise.reject(new TypeError('fetch failed'));
    await expect(
      createDruidClient({ ...urls, fetch: refused }).listSupervisors(),
    ).rejects.toMatchObject({
      code: 'unreachable',
      cause: expect.any(TypeError) as unknown,
    });
    const hanging: FetchFunction = (_, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(init.signal?.reason as Error);
        });
      });
    await expect(
      createDruidClient({ ...urls, fetch: hanging, timeoutMs: 20 }).listSupervisors(),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});

describe('createDruidClient: sampler', () => {
  it('sends the spec to the sampler and accepts a sample without unparseable rows', async () => {
    const sample = {
      numRowsRead: 2,
      numRowsIndexed: 2,
      data: [{ parsed: { eventType: 'a' } }, { parsed: { eventType: 'b' } }],
    };
    const { calls, fetch } = fakeDruid([['/sampler', { body: sample }]]);
    const result = await createDruidClient({ ...urls, fetch }).checkSpec(spec, {
      numRows: 5,
      timeoutMs: 1000,
    });
    expect(result).toEqual({ ok: true, value: sample });
    expect(calls[0]!.body).toEqual({
      type: 'kafka',
      spec,
      samplerConfig: { numRows: 5, timeoutMs: 1000 },
    });
  });

  it('reports unparseable rows and an empty topic as issues', async () => {
    const { fetch } = fakeDruid([
      [
        '/sampler',
        {
          body: {
            numRowsRead: 2,
            numRowsIndexed: 1,
            data: [{ parsed: {} }, { unparseable: true, error: 'Avro datum could not be decoded' }],
          },
        },
      ],
    ]);
    expect(await createDruidClient({ ...urls, fetch }).checkSpec(spec)).toEqual({
      ok: false,
      issues: [
        { code: 'unparseable', path: ['data', 1], message: 'Avro datum could not be decoded' },
      ],
    });
    const empty = fakeDruid([
      ['/sampler', { body: { numRowsRead: 0, numRowsIndexed: 0, data: [] } }],
    ]);
    const result = await createDruidClient({ ...urls, fetch: empty.fetch }).checkSpec(spec);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.code).toBe('no_rows');
  });
});

describe('createDruidClient: SQL', () => {
  it('returns typed rows with their columns, dates as Dates and arrays unstringified', async () => {
    const { calls, fetch } = fakeDruid([
      [
        '/druid/v2/sql',
        {
          body: [
            ['__time', 'n', 'tags', 'maybe'],
            ['LONG', 'LONG', 'ARRAY<STRING>', 'STRING'],
            ['TIMESTAMP', 'BIGINT', 'ARRAY', 'VARCHAR'],
            ['2026-01-15T10:00:00.000Z', 3, ['a', 'b'], null],
          ],
        },
      ],
    ]);
    const druid = createDruidClient({ ...urls, fetch });
    const result = await druid.sql<{
      __time: Date;
      n: number;
      tags: string[];
      maybe: string | null;
    }>('SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = ?', {
      parameters: ['x', 2, 2.5, true, null],
      context: { sqlTimeZone: 'UTC' },
    });
    expect(result.columns).toEqual([
      { name: '__time', type: 'LONG', sqlType: 'TIMESTAMP' },
      { name: 'n', type: 'LONG', sqlType: 'BIGINT' },
      { name: 'tags', type: 'ARRAY<STRING>', sqlType: 'ARRAY' },
      { name: 'maybe', type: 'STRING', sqlType: 'VARCHAR' },
    ]);
    expect(result.rows).toEqual([
      { __time: new Date('2026-01-15T10:00:00.000Z'), n: 3, tags: ['a', 'b'], maybe: null },
    ]);
    expect(calls[0]!.body).toMatchObject({
      resultFormat: 'array',
      header: true,
      typesHeader: true,
      sqlTypesHeader: true,
      context: { sqlStringifyArrays: false, sqlTimeZone: 'UTC' },
      parameters: [
        { type: 'VARCHAR', value: 'x' },
        { type: 'BIGINT', value: 2 },
        { type: 'DOUBLE', value: 2.5 },
        { type: 'BOOLEAN', value: true },
        { type: 'VARCHAR', value: null },
      ],
    });
    const raw = await druid.sql<{ __time: string }>('SELECT __time FROM t', { dates: false });
    expect(raw.rows[0]!.__time).toBe('2026-01-15T10:00:00.000Z');
  });

  it('raises SQL errors with Druid’s message', async () => {
    const { fetch } = fakeDruid([
      [
        '/druid/v2/sql',
        { status: 400, body: { error: 'druidException', errorMessage: "Object 'nope' not found" } },
      ],
    ]);
    const error = await createDruidClient({ ...urls, fetch })
      .sql('SELECT * FROM nope')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DruidError);
    expect(error).toMatchObject({ code: 'sql', status: 400 });
    expect((error as Error).message).toContain("Object 'nope' not found");
  });

  it('waits until the datasource answers with enough rows', async () => {
    let polls = 0;
    const { calls, fetch } = fakeDruid([
      [
        '/druid/v2/sql',
        () => {
          polls += 1;
          if (polls === 1)
            return { status: 400, body: { errorMessage: "Object 'clicks' not found" } };
          return { body: [['n'], ['LONG'], ['BIGINT'], [polls === 2 ? 3 : 10]] };
        },
      ],
    ]);
    const seen: (number | null)[] = [];
    const count = await createDruidClient({ ...urls, fetch }).waitForRows('clicks', {
      minRows: 10,
      intervalMs: 1,
      countExpression: 'SUM("count")',
      onProgress: (n) => seen.push(n),
    });
    expect(count).toBe(10);
    expect(seen).toEqual([null, 3, 10]);
    expect(calls[0]!.body).toMatchObject({ query: 'SELECT SUM("count") AS "n" FROM "clicks"' });
  });

  it('gives up waiting with a timeout error, and passes other errors through', async () => {
    const empty = fakeDruid([['/druid/v2/sql', { body: [['n'], ['LONG'], ['BIGINT'], [0]] }]]);
    await expect(
      createDruidClient({ ...urls, fetch: empty.fetch }).waitForRows('clicks', {
        timeoutMs: 20,
        intervalMs: 5,
      }),
    ).rejects.toMatchObject({ code: 'timeout' });
    const broken = fakeDruid([['/druid/v2/sql', { status: 500, body: { errorMessage: 'boom' } }]]);
    await expect(
      createDruidClient({ ...urls, fetch: broken.fetch }).waitForRows('clicks'),
    ).rejects.toMatchObject({
      code: 'sql',
      status: 500,
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      createDruidClient({ ...urls, fetch: empty.fetch }).waitForRows('clicks', {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });
});
