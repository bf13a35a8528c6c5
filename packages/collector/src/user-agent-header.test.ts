import { afterEach, describe, expect, it } from 'vitest';
import {
  closeStarted,
  pixelUrl,
  rawRequest,
  startCollector,
  trackedEvent,
  until,
} from '../test/http';

afterEach(closeStarted);

// User-Agent is a singleton field: a request that repeats it (a proxy that adds its own, a
// hand-made client) is not describing two agents. Joining them gives a string no parser reads.
describe('a repeated User-Agent header', () => {
  it('records the first, as node:http and Divolte do; a bot sent second is still told', async () => {
    const { events, url } = await startCollector({ dropBots: false });
    const target = new URL(pixelUrl(url, trackedEvent()));
    const send = (agents: readonly string[]) =>
      rawRequest(
        url,
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\n` +
          agents.map((agent) => `User-Agent: ${agent}\r\n`).join('') +
          'Connection: close\r\n\r\n',
      );
    expect(await send(['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', 'curl/8.0'])).toMatch(
      /^HTTP\/1\.1 200/,
    );
    await until(() => events.length === 1);
    expect(events[0]!.request.userAgent).toBe('Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0');
    expect(events[0]!.isBot).toBe(true);
    // Every header value is still handed on as sent.
    expect(events[0]!.request.headers['user-agent']).toEqual([
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
      'curl/8.0',
    ]);
  });
});
