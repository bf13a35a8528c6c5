// The server as a cluster of worker processes, started as the command line starts it: requests
// spread over the workers, one /metrics for all, a killed worker started again and counted,
// hostile requests over raw sockets, and SIGTERM publishing every accepted event.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoServerError, halfSentRequests } from '../../../test/request-targets';
import {
  avroFiles,
  freePort,
  pixelQueries,
  publishedRecords,
  startCli,
  writeConfig,
  type CliServer,
} from './harness';

const CONFIG = `
divolte.global.server { host = 127.0.0.1, port = \${DIVOLTE_PORT} }
divolte.sources {
  browser = { type = browser }
  json = { type = json, event_path = /json-event }
}
divolte.sinks.files {
  type = hdfs
  file_strategy { working_dir = \${OUT}/working, publish_dir = \${OUT}/published, sync_file_after_records = 1 }
}
`;

const started: CliServer[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) cli.child.kill('SIGKILL');
});

async function startCluster(workers: number, env: Record<string, string> = {}) {
  const { dir, file } = writeConfig(CONFIG);
  const cli = await startCli(file, ['--workers', String(workers)], {
    OUT: join(dir, 'out'),
    DIVOLTE_PORT: String(await freePort()),
    ...env,
  });
  started.push(cli);
  return { cli, out: join(dir, 'out'), port: Number(new URL(cli.url).port) };
}

/** A GET on a connection of its own, so the cluster hands it to the next worker. */
function getOnNewConnection(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 10_000 }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`no answer from ${url} in 10 s`));
      })
      .on('error', reject);
  });
}

/** The value of one series in Prometheus text (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(series + ' '));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The pids of a process's children, from /proc. */
function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // The fields after the command name (which is in parentheses): state, then the parent pid.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const accepted = (metrics: string) =>
  sample(metrics, 'tributary_collector_events_accepted_total{source="browser"}');

describe('a cluster of 2 workers', () => {
  it('spreads requests over both, sums their metrics, restarts a killed worker, and publishes everything on SIGTERM', async () => {
    const { cli, out } = await startCluster(2);
    const queries = pixelQueries(40);
    for (const query of queries.slice(0, 20)) {
      expect((await getOnNewConnection(`${cli.url}/csc-event${query}`)).status).toBe(200);
    }
    const metrics = (await getOnNewConnection(`${cli.url}/metrics`)).body;
    expect(accepted(metrics)).toBe(20);
    expect(sample(metrics, 'divolte_workers')).toBe(2);
    expect(sample(metrics, 'divolte_worker_metrics_missing')).toBe(0);

    // Kill one worker outright: the primary starts another in its place and counts it.
    const workers = childPids(cli.child.pid!);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    await expect
      .poll(
        async () =>
          sample(
            (await getOnNewConnection(`${cli.url}/metrics`)).body,
            'divolte_worker_restarts_total',
          ),
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toBe(1);
    await expect.poll(() => childPids(cli.child.pid!).length, { timeout: 30_000 }).toBe(2);
    expect(cli.stderr()).toMatch(
      /worker \d died \(SIGKILL\); starting it again( in \d+ ms)? \(1 restart/,
    );

    for (const query of queries.slice(20)) {
      expect((await getOnNewConnection(`${cli.url}/csc-event${query}`)).status).toBe(200);
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    // Each worker wrote files of its own name; every event is in a published file (the killed
    // worker's fsynced records too: its successor published the partial file it left).
    const files = avroFiles(join(out, 'published'));
    expect(new Set(files.map((file) => /-w(\d+)-/.exec(file)?.[1]))).toEqual(new Set(['0', '1']));
    expect(avroFiles(join(out, 'working'))).toEqual([]);
    const records = await publishedRecords(join(out, 'published'));
    expect(records.map((record) => record.location).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `http://example.com/page/${i}`).sort(),
    );
  });

  it('answers hostile requests without a 5xx or a crash, and drains half-sent ones on SIGTERM', async () => {
    const { cli, out, port } = await startCluster(2);
    await expectNoServerError(
      port,
      ['/csc-event', '/divolte.js', '/json-event', '/ping', '/metrics', '/'],
      300,
    );
    const held = await halfSentRequests(port, {
      headerTarget: '/csc-event',
      batchTarget: '/json-event?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg',
      batch:
        '{"session_id":"0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU","event_id":"e","is_new_party":true,"is_new_session":true,"client_timestamp_iso":"2016-08-24T13:29:39.412+02:00"}',
    });
    const queries = pixelQueries(10);
    for (const query of queries) await getOnNewConnection(`${cli.url}/csc-event${query}`);
    const metrics = (await getOnNewConnection(`${cli.url}/metrics`)).body;
    expect(sample(metrics, 'divolte_worker_restarts_total')).toBe(0);
    const acceptedEvents =
      accepted(metrics) +
      sample(metrics, 'tributary_collector_events_accepted_total{source="json"}');
    cli.child.kill('SIGTERM');
    // The half-sent requests are cut at SHUTDOWN_DEADLINE_MS (3 s here); the exit is clean.
    expect(await cli.exited).toBe(0);
    held.header.destroy();
    held.body.destroy();
    const records = await publishedRecords(join(out, 'published'));
    expect(records.length).toBe(acceptedEvents);
    expect(records.length).toBeGreaterThanOrEqual(10);
  });

  it('cuts the shutdown deadline short on a second signal, and still publishes what it accepted', async () => {
    // A deadline far longer than this test may run: only the second signal can end the shutdown.
    const { cli, out, port } = await startCluster(2, { SHUTDOWN_DEADLINE_MS: '600000' });
    const queries = pixelQueries(6);
    for (const query of queries) await getOnNewConnection(`${cli.url}/csc-event${query}`);
    const held = await halfSentRequests(port, {
      headerTarget: '/csc-event',
      batchTarget: '/json-event?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg',
      batch: '{"session_id":"0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU"}',
    });
    cli.child.kill('SIGTERM');
    // The first signal stopped the listening: wait until the port refuses new connections.
    await expect
      .poll(
        () =>
          getOnNewConnection(`${cli.url}/ping`).then(
            () => 'open',
            () => 'closed',
          ),
        { timeout: 30_000 },
      )
      .toBe('closed');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    held.header.destroy();
    held.body.destroy();
    expect(await publishedRecords(join(out, 'published'))).toHaveLength(6);
  });
});
