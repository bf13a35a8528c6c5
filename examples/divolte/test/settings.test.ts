// Each honoured Divolte setting, observed over real HTTP on a server started in this process:
// where it listens and what it serves, which records reach which published Avro file.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeMmdb } from '@tributary/mapping/testing';
import type { DivolteServer } from '../src/server/divolte-server';
import {
  avroFiles,
  freePort,
  get,
  pixelQueries,
  publishedRecords,
  startInProcess,
} from './harness';

const running: DivolteServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(text: string, files: Record<string, string | Uint8Array> = {}) {
  const started = await startInProcess(text, files);
  running.push(started.server);
  return started;
}

/** An hdfs sink named `name` writing under `${OUT}/<name>`. */
const hdfs = (name: string, extra = '') => `
  ${name} = {
    type = hdfs
    file_strategy {
      working_dir = \${OUT}/${name}/working
      publish_dir = \${OUT}/${name}/published
      ${extra}
    }
  }`;

const server = (extra = '') =>
  `divolte.global.server { host = 127.0.0.1, port = \${DIVOLTE_PORT}${extra ? `, ${extra}` : ''} }`;

describe('global.server', () => {
  it('listens on host and port', async () => {
    const port = await freePort();
    const { server: s } = await start(
      `divolte.global.server { host = 127.0.0.1, port = ${port} }\ndivolte.sinks {}`,
    );
    expect(s.url).toBe(`http://127.0.0.1:${port}`);
    expect(await (await get(`${s.url}/ping`)).text()).toBe('pong');
  });

  it('serves the test page at / with serve_static_resources, and not without', async () => {
    const on = await start(`${server()}\ndivolte.sinks {}`);
    const page = await get(`${on.server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/divolte.js"');
    const off = await start(`${server('serve_static_resources = false')}\ndivolte.sinks {}`);
    expect((await get(`${off.server.url}/`)).status).toBe(404);
  });

  it('takes the client address from X-Forwarded-For only with use_x_forwarded_for', async () => {
    const remoteHosts = async (flag: boolean) => {
      const { server: s, dir } = await start(
        `${server(`use_x_forwarded_for = ${flag}`)}\ndivolte.sinks { ${hdfs('files')} }`,
      );
      const [query] = pixelQueries(1);
      await get(`${s.url}/csc-event${query}`, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' });
      await s.close();
      return (await publishedRecords(join(dir, 'out/files/published'))).map(
        (record) => record.remoteHost,
      );
    };
    expect(await remoteHosts(true)).toEqual(['198.51.100.7']);
    expect(await remoteHosts(false)).toEqual(['127.0.0.1']);
  });
});

describe('global.mapper', () => {
  it('looks addresses up in ip2geo_database for ip2geo() in the mapping script', async () => {
    const database = writeMmdb([
      {
        network: '198.51.100.0/24',
        data: { country: { iso_code: 'NL' }, city: { names: { en: 'Amsterdam' } } },
      },
    ]);
    const { server: s, dir } = await start(
      `${server('use_x_forwarded_for = true')}
      divolte.global.mapper { ip2geo_database = geo.mmdb, user_agent_parser.cache_size = 10 }
      divolte.sinks { ${hdfs('files')} }
      divolte.mappings.geo { sources = [browser], sinks = [files], schema_file = geo.avsc, mapping_script_file = geo.groovy }`,
      {
        'geo.mmdb': database,
        'geo.avsc': JSON.stringify({
          type: 'record',
          name: 'Geo',
          fields: [
            { name: 'remoteHost', type: 'string' },
            { name: 'country', type: ['null', 'string'], default: null },
            { name: 'city', type: ['null', 'string'], default: null },
            { name: 'browser', type: ['null', 'string'], default: null },
          ],
        }),
        'geo.groovy': `mapping {
          map remoteHost() onto 'remoteHost'
          def geo = ip2geo()
          map geo.countryCode() onto 'country'
          map geo.cityName() onto 'city'
          map userAgent().name() onto 'browser'
        }`,
      },
    );
    const [inside, outside] = pixelQueries(2);
    await get(`${s.url}/csc-event${inside}`, {
      'x-forwarded-for': '198.51.100.7',
      'user-agent':
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
    });
    await get(`${s.url}/csc-event${outside}`, { 'x-forwarded-for': '203.0.113.9' });
    await s.close();
    expect(await publishedRecords(join(dir, 'out/files/published'))).toEqual([
      { remoteHost: '198.51.100.7', country: 'NL', city: 'Amsterdam', browser: 'Firefox' },
      { remoteHost: '203.0.113.9', country: null, city: null, browser: 'unknown' },
    ]);
  });
});

describe('browser sources', () => {
  it('serve the pixel at <prefix><event_suffix> and the tag at <prefix><javascript.name>', async () => {
    const { server: s, dir } = await start(`${server()}
      divolte.sources.site {
        type = browser
        prefix = /track
        event_suffix = web-event
        party_cookie = _pid
        party_timeout = 2 days
        session_cookie = _sid
        session_timeout = 1 hour
        cookie_domain = .example.com
        javascript.name = tracking.js
        javascript.auto_page_view_event = false
      }
      divolte.sinks { ${hdfs('files')} }`);
    const [query] = pixelQueries(1);
    expect((await get(`${s.url}/track/web-event${query}`)).status).toBe(200);
    expect((await get(`${s.url}/csc-event${query}`)).status).toBe(404);
    expect((await get(`${s.url}/divolte.js`)).status).toBe(404);
    const tag = await get(`${s.url}/track/tracking.js`);
    expect(tag.status).toBe(200);
    expect(tag.headers.get('content-type')).toMatch(/javascript/);
    const text = await tag.text();
    // The prelude that configures Tributary's tag as divolte.js is configured.
    for (const setting of [
      '"divolte":"true"',
      '"partyCookie":"_pid"',
      '"sessionCookie":"_sid"',
      '"partyTimeout":"172800"',
      '"sessionTimeout":"3600"',
      '"cookieDomain":".example.com"',
      '"autoPageView":"false"',
      '"web-event"',
    ]) {
      expect(text).toContain(setting);
    }
    await s.close();
    expect(await publishedRecords(join(dir, 'out/files/published'))).toHaveLength(1);
  });

  it('with javascript.logging, serve a tag that logs each signal', async () => {
    const { server: s } = await start(
      `${server()}\ndivolte.sources.browser { type = browser, javascript.logging = true }\ndivolte.sinks {}`,
    );
    expect(await (await get(`${s.url}/divolte.js`)).text()).toContain(
      'console.log("[divolte] signal"',
    );
    const quiet = await start(`${server()}\ndivolte.sinks {}`);
    expect(await (await get(`${quiet.server.url}/divolte.js`)).text()).not.toContain(
      '[divolte] signal',
    );
  });
});

describe('json sources', () => {
  const jsonEvent = (eventType: string) =>
    JSON.stringify({
      session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
      event_id: `event-${eventType}`,
      is_new_party: true,
      is_new_session: true,
      client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
      event_type: eventType,
      parameters: { channel: 'google' },
    });

  it('take POST <event_path>?<party_id_parameter>=… up to maximum_body_size', async () => {
    const { server: s, dir } = await start(`${server()}
      divolte.sources.app { type = json, event_path = /mob-event, party_id_parameter = id, maximum_body_size = 400 }
      divolte.sinks { ${hdfs('files')} }`);
    const party = '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg';
    const post = (path: string, body: string) =>
      fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    expect((await post(`/mob-event?id=${party}`, jsonEvent('newUser'))).status).toBe(204);
    expect((await post(`/json-event?id=${party}`, jsonEvent('elsewhere'))).status).toBe(404);
    expect((await post(`/mob-event?id=${party}`, jsonEvent('x'.repeat(500)))).status).toBe(413);
    await s.close();
    const records = await publishedRecords(join(dir, 'out/files/published'));
    expect(records.map((record) => [record.partyId, record.eventType])).toEqual([
      [party, 'newUser'],
    ]);
  });
});

describe('mappings', () => {
  it('discard corrupt events with discard_corrupted, and keep them without', async () => {
    const { server: s, dir } = await start(`${server()}
      divolte.sinks { ${hdfs('kept')}, ${hdfs('clean')} }
      divolte.mappings {
        keeps = { sources = [browser], sinks = [kept] }
        cleans = { sources = [browser], sinks = [clean], discard_corrupted = true }
      }`);
    const [good, other] = pixelQueries(2);
    await get(`${s.url}/csc-event${good}`);
    // A changed location without a new checksum: corrupt, as a truncated URL is.
    await get(`${s.url}/csc-event${other!.replace('page%2F1', 'page%2F9')}`);
    await s.close();
    expect(await publishedRecords(join(dir, 'out/kept/published'))).toHaveLength(2);
    const clean = await publishedRecords(join(dir, 'out/clean/published'));
    expect(clean.map((record) => record.location)).toEqual(['http://example.com/page/0']);
  });

  it('discard duplicates with discard_duplicates (per-worker duplicate_memory_size)', async () => {
    const { server: s, dir } = await start(`${server()}
      divolte.global.mapper.duplicate_memory_size = 2
      divolte.sinks { ${hdfs('all')}, ${hdfs('unique')} }
      divolte.mappings {
        all = { sources = [browser], sinks = [all] }
        unique = { sources = [browser], sinks = [unique], discard_duplicates = true }
      }`);
    const [query] = pixelQueries(1);
    for (let i = 0; i < 3; i++) await get(`${s.url}/csc-event${query}`);
    await s.close();
    expect(await publishedRecords(join(dir, 'out/all/published'))).toHaveLength(3);
    expect(await publishedRecords(join(dir, 'out/unique/published'))).toHaveLength(1);
  });

  it('route each source to the mappings that read it and each record to every sink of its mapping', async () => {
    const { server: s, dir } = await start(`${server()}
      divolte.sources { a = { type = browser, prefix = /a }, b = { type = browser, prefix = /b } }
      divolte.sinks { ${hdfs('only-a')}, ${hdfs('shared')} }
      divolte.mappings {
        m1 = { sources = [a], sinks = [only-a, shared] }
        m2 = { sources = [b], sinks = [shared] }
      }`);
    const [fromA] = pixelQueries(1, () => 'http://example.com/a');
    const [fromB] = pixelQueries(1, () => 'http://example.com/b');
    await get(`${s.url}/a/csc-event${fromA}`);
    await get(`${s.url}/b/csc-event${fromB}`);
    await s.close();
    const locations = async (sink: string) =>
      (await publishedRecords(join(dir, `out/${sink}/published`)))
        .map((record) => record.location)
        .sort();
    expect(await locations('only-a')).toEqual(['http://example.com/a']);
    expect(await locations('shared')).toEqual(['http://example.com/a', 'http://example.com/b']);
  });
});

describe('hdfs sinks', () => {
  it('write .partial files in working_dir and publish them to publish_dir on close', async () => {
    const { server: s, dir } = await start(
      `${server()}\ndivolte.sinks { ${hdfs('files', 'sync_file_after_records = 1')} }`,
    );
    for (const query of pixelQueries(3)) await get(`${s.url}/csc-event${query}`);
    // sync_file_after_records = 1: each record is written and fsynced on its own.
    await expect
      .poll(() => s.metrics())
      .toMatch(/divolte_file_sink_records_total\{sink="files",state="synced"\} 3/);
    expect(avroFiles(join(dir, 'out/files/published'))).toEqual([]);
    await s.close();
    expect(await publishedRecords(join(dir, 'out/files/published'))).toHaveLength(3);
  });

  it('sync after sync_file_after_duration, and roll after roll_every', async () => {
    const { server: s, dir } = await start(
      `${server()}\ndivolte.sinks { ${hdfs('files', 'sync_file_after_records = 1000, sync_file_after_duration = 200 ms, roll_every = 1 second')} }`,
    );
    const [first, second] = pixelQueries(2);
    await get(`${s.url}/csc-event${first}`);
    await expect.poll(() => s.metrics(), { timeout: 5000 }).toMatch(/state="synced"\} 1/);
    // The file published by the roll, while the server runs.
    await expect
      .poll(() => avroFiles(join(dir, 'out/files/published')).length, { timeout: 5000 })
      .toBe(1);
    await get(`${s.url}/csc-event${second}`);
    await s.close();
    expect(avroFiles(join(dir, 'out/files/published'))).toHaveLength(2);
  });

  it('are ignored when global.hdfs.enabled is false', async () => {
    const { server: s, dir } = await start(
      `${server()}\ndivolte.global.hdfs.enabled = false\ndivolte.sinks { ${hdfs('files')} }`,
    );
    const [query] = pixelQueries(1);
    expect((await get(`${s.url}/csc-event${query}`)).status).toBe(200);
    await s.close();
    expect(avroFiles(join(dir, 'out/files/published'))).toEqual([]);
  });
});
