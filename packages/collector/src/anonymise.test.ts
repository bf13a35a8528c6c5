import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickEvent } from '@tributary/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './index';
import { pixelUrl, trackedEvent, until, closeStarted, track, startCollector } from '../test/http';

afterEach(closeStarted);

const start = startCollector;

// One client, 203.0.113.77 (hex cb00:714d), written in every form an address header may carry.
const CLIENT_FORMS = [
  '203.0.113.77',
  '203.0.113.77:4711',
  '::ffff:203.0.113.77',
  '::ffff:cb00:714d',
  '[::ffff:cb00:714d]:443',
  '::203.0.113.77',
  '64:ff9b::cb00:714d',
  '2002:cb00:714d::1',
  // Teredo: the client's address inverted in the last 32 bits (cb00:714d ^ ffff:ffff).
  '2001:0:4136:e378:8000:63bf:34ff:8eb2',
];
// And an IPv6 client: its /48 (2001:db8:cafe::) may stay, the rest may not.
const IPV6_CLIENT = '2001:db8:cafe:1:2:3:4:5';
// Texts that would give the client away.
const LEAKS = [/203\.0\.113\.77/, /cb00:714d/i, /714d/i, /34ff:8eb2/i, /cafe:1:2/i];

// The headers the issue found carrying the address, the usual ones, and ones nobody listed.
const ADDRESS_HEADERS = [
  'x-forwarded-for',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-envoy-external-address',
  'cf-connecting-ipv6',
  'x-forwarded',
  'client-ip',
  'x-proxyuser-ip',
  'fly-client-ip',
  'x-appengine-user-ip',
  'x-azure-clientip',
  'x-made-up-client-address',
  'x-debug',
];

describe('anonymiseIp: no header hands the client address on', () => {
  it('cuts the address in every form, in every header, known or not; keeps the rest', async () => {
    const { events, url } = await start({ anonymiseIp: true, trustedProxies: 1 });
    const headers: Record<string, string> = {};
    ADDRESS_HEADERS.forEach((name, i) => {
      const form = i % 2 === 0 ? CLIENT_FORMS[i % CLIENT_FORMS.length]! : IPV6_CLIENT;
      headers[name] =
        name === 'forwarded'
          ? `for="[${IPV6_CLIENT}]:4711";proto=https, for=203.0.113.77`
          : name === 'x-debug'
            ? `client=${CLIENT_FORMS.join(' client=')} via ${IPV6_CLIENT}`
            : form;
    });
    headers['x-forwarded-for'] = `${IPV6_CLIENT}, 198.51.100.9, 203.0.113.77`;
    headers.cookie = `ip=203.0.113.77; _dvp=0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG`;
    headers['user-agent'] =
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.6478.126 via 203.0.113.77';
    const response = await fetch(pixelUrl(url, trackedEvent()), { headers });
    expect(response.status).toBe(200);
    await until(() => events.length === 1);
    const request = events[0]!.request;
    const handedOn = JSON.stringify(request);
    for (const leak of LEAKS) expect(handedOn).not.toMatch(leak);
    // Every header is still there (none dropped), with its address cut.
    for (const name of ADDRESS_HEADERS) expect(request.headers[name], name).toHaveLength(1);
    expect(request.remoteAddress).toBe('203.0.113.0');
    expect(request.headers['x-forwarded-for']).toEqual([
      '2001:db8:cafe::, 198.51.100.0, 203.0.113.0',
    ]);
    expect(request.headers.forwarded).toEqual([
      'for="[2001:db8:cafe::]:4711";proto=https, for=203.0.113.0',
    ]);
    expect(request.headers['x-original-forwarded-for']).toEqual(['203.0.113.0']);
    expect(request.headers['x-envoy-external-address']).toEqual(['2001:db8:cafe::']);
    expect(request.cookies).toEqual({
      ip: '203.0.113.0',
      _dvp: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
    });
    expect(request.userAgent).toBe(
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.6478.126 via 203.0.113.0',
    );
  });

  it.each(CLIENT_FORMS)('records %s behind a proxy as 203.0.113.0', async (form) => {
    const { events, url } = await start({ anonymiseIp: true, trustedProxies: 1 });
    await fetch(pixelUrl(url, trackedEvent()), { headers: { 'x-forwarded-for': form } });
    await until(() => events.length === 1);
    expect(events[0]!.request.remoteAddress).toBe('203.0.113.0');
  });
});

describe('IPv4-mapped addresses are plain IPv4, with or without anonymising', () => {
  it('a dual-stack listener (listen(port)) records an IPv4 client as 127.0.0.1', async (context) => {
    const events: ClickEvent[] = [];
    const collector = createCollector({
      onEvent: (event) => {
        events.push(event);
      },
      duplicateMemorySize: 64,
    });
    const server = createServer(collector.node);
    // As the docs show: no host, so node listens on :: (dual-stack) where IPv6 exists.
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const { address, port } = server.address() as AddressInfo;
    track({
      url: '',
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    });
    if (address !== '::') context.skip('no IPv6 on this machine: node listened on IPv4 only');
    await fetch(pixelUrl(`http://127.0.0.1:${port}`, trackedEvent()));
    await until(() => events.length === 1);
    expect(events[0]!.request.remoteAddress).toBe('127.0.0.1');
  });

  it('normalises forwarded entries in both notations', async () => {
    const { events, url } = await start({ trustedProxies: 1 });
    for (const form of ['::ffff:198.51.100.7', '::FFFF:c633:6407', '[::ffff:198.51.100.7]:80']) {
      await fetch(pixelUrl(url, trackedEvent()), { headers: { 'x-forwarded-for': form } });
    }
    await until(() => events.length === 3);
    expect(events.map((event) => event.request.remoteAddress)).toEqual([
      '198.51.100.7',
      '198.51.100.7',
      '198.51.100.7',
    ]);
    // Without anonymising, headers are handed on as they came.
    expect(events[1]!.request.headers['x-forwarded-for']).toEqual(['::FFFF:c633:6407']);
  });
});
