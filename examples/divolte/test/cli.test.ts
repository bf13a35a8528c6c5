// The command line as users run it: the seed article's files end to end, and configurations that
// cannot run refused before anything starts, naming the file and line.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  avroFiles,
  freePort,
  get,
  pixelQueries,
  publishedRecords,
  repoRoot,
  startCli,
  writeConfig,
} from './harness';

const main = ['--import', 'tsx', 'examples/divolte/src/main.ts'];

function runToExit(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...main, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe("the seed article's files", () => {
  it('run as they are: a pixel in, its record in a published Avro file of the javadoc schema', async () => {
    const out = mkdtempSync(join(tmpdir(), 'divolte-article-'));
    const port = await freePort();
    const cli = await startCli(
      'examples/divolte/conf/article/divolte-collector.conf',
      ['--workers', '1'],
      {
        DIVOLTE_OUT: out,
        DIVOLTE_PORT: String(port),
      },
    );
    expect(cli.url).toBe(`http://127.0.0.1:${port}`);
    const queries = pixelQueries(
      2,
      (i) => `https://www.example.com/docs/page-${i}.html?x=1`,
      'https://www.example.com/',
    );
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    for (const query of queries) {
      expect(
        (
          await get(`${cli.url}/csc-event${query}`, {
            'user-agent': chrome,
            referer: 'https://www.example.com/',
          })
        ).status,
      ).toBe(200);
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const records = await publishedRecords(join(out, 'published'));
    expect(avroFiles(join(out, 'working'))).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      remoteHost: '127.0.0.1',
      eventType: 'pageView',
      location: 'https://www.example.com/docs/page-0.html?x=1',
      path: '/docs/page-0.html',
      firstInSession: true,
      referrer: 'https://www.example.com/',
      userAgentString: chrome,
      browser: 'Chrome',
    });
    expect(records[1]).toMatchObject({ path: '/docs/page-1.html', firstInSession: false });
    expect(typeof records[0]!.timestamp).toBe('number');
    expect(records[0]!.sessionId).toBe(records[1]!.sessionId);
  });

  it('are copied from conf/article unchanged into a directory of their own and still run from the root', async () => {
    // Relative paths: from the working directory as Divolte reads them, else beside the file.
    const dir = mkdtempSync(join(tmpdir(), 'divolte-copy-'));
    cpSync(join(repoRoot, 'examples/divolte/conf/article'), dir, { recursive: true });
    const cli = await startCli(join(dir, 'divolte-collector.conf'), ['--workers', '1'], {
      DIVOLTE_OUT: join(dir, 'out'),
      DIVOLTE_PORT: String(await freePort()),
    });
    const [query] = pixelQueries(1);
    expect((await get(`${cli.url}/csc-event${query}`)).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(await publishedRecords(join(dir, 'out/published'))).toHaveLength(1);
  });
});

describe('a configuration that cannot run', () => {
  it.each([
    [
      'a value of the wrong kind',
      'divolte.global.server.port = eighty',
      /divolte-collector\.conf:1: divolte\.global\.server\.port: expected a whole number from 0 to 65535, found "eighty"/,
    ],
    [
      'a duration that is not one',
      'divolte.sources.browser { type = browser, session_timeout = soon }',
      /divolte-collector\.conf:1: divolte\.sources\.browser\.session_timeout: expected a duration/,
    ],
    [
      'a gcs sink',
      'divolte.sinks {\n  lake { type = gcs, bucket = "gs://b" }\n}',
      /divolte-collector\.conf:2: divolte\.sinks\.lake\.type: Google Cloud Storage sinks are not supported/,
    ],
    [
      'a gcp_pubsub sink',
      'divolte.sinks.topic { type = gcps }',
      /divolte-collector\.conf:1: divolte\.sinks\.topic\.type: Google Cloud Pub\/Sub sinks are not supported/,
    ],
    [
      'text that is not HOCON',
      'divolte {\n  global = [',
      /divolte-collector\.conf:\d+: A "\[" is not closed/,
    ],
    [
      'a substitution that names nothing',
      'divolte.global.server.port = ${NO_SUCH_VARIABLE_HERE}',
      /divolte-collector\.conf:1: \$\{NO_SUCH_VARIABLE_HERE\} names no setting and no environment variable/,
    ],
  ])('is refused before start: %s, with its file and line (exit 1)', (_what, text, message) => {
    const { file } = writeConfig(text);
    const result = runToExit(['--config', file, '--workers', '1']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('names a mapping script or schema that cannot be read, with the setting that names it', () => {
    const { file } = writeConfig(
      'divolte.mappings.m {\n  sources = [browser], sinks = []\n  schema_file = missing.avsc\n  mapping_script_file = missing.groovy\n}',
    );
    const result = runToExit(['--config', file, '--workers', '1'], { DIVOLTE_PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /divolte-collector\.conf:3: divolte\.mappings\.m\.schema_file: cannot read .*missing\.avsc/,
    );
  });

  it('names the sink whose directories cannot be written, with the line that sets them', () => {
    const { file } = writeConfig(
      'divolte.sinks.files {\n  type = hdfs\n  file_strategy.working_dir = /etc/passwd/working\n}',
    );
    const result = runToExit(['--config', file, '--workers', '1'], { DIVOLTE_PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /divolte-collector\.conf:3: divolte\.sinks\.files\.file_strategy: cannot write to \/etc\/passwd\/working/,
    );
  });

  it('names the line and column of an error in the mapping script', () => {
    const { file } = writeConfig(
      'divolte.mappings.m {\n  sources = [browser], sinks = []\n  schema_file = s.avsc\n  mapping_script_file = m.groovy\n}',
      {
        's.avsc': JSON.stringify({
          type: 'record',
          name: 'r',
          fields: [{ name: 'a', type: ['null', 'string'], default: null }],
        }),
        'm.groovy': 'mapping {\n  map location() onto "nope"\n}',
      },
    );
    const result = runToExit(['--config', file, '--workers', '1'], { DIVOLTE_PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /divolte-collector\.conf:4: divolte\.mappings\.m\.mapping_script_file: .*m\.groovy:2:\d+/,
    );
  });

  it('is refused on bad command-line arguments (exit 2)', () => {
    expect(runToExit([]).status).toBe(2);
    expect(runToExit(['--config', 'x.conf', '--workers', 'none']).status).toBe(2);
    expect(runToExit(['--config', 'does-not-exist.conf']).stderr).toMatch(
      /does-not-exist\.conf was not found/,
    );
  });

  it('prints ONE warning naming every setting it does not honour, and runs', async () => {
    const { file } = writeConfig(
      'divolte.global.server { debug_requests = true, shutdown_delay = 5 seconds }\ndivolte.global.mapper.threads = 4\ndivolte.sinks {}',
    );
    const cli = await startCli(file, ['--workers', '1'], {
      DIVOLTE_PORT: String(await freePort()),
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const warnings = cli
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    for (const key of ['server.debug_requests', 'server.shutdown_delay', 'mapper.threads']) {
      expect(cli.stderr()).toContain(`divolte.global.${key} (${file}:`);
    }
  });
});
