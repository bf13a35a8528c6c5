import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonymiseIpAddress,
  cutAddresses,
  isIpAddress,
  normaliseIpAddress,
  parseIpv6,
} from './ip-address';
import { resolveRemoteAddress } from './remote-address';

describe('resolveRemoteAddress', () => {
  it('reproduces Divolte’s X-Forwarded-For vectors with one trusted proxy (reference §7)', () => {
    const peer = '10.0.0.1';
    expect(resolveRemoteAddress(peer, ['127.0.0.1,192.168.13.23'], 1)).toBe('192.168.13.23');
    expect(resolveRemoteAddress(peer, ['127.0.0.1'], 1)).toBe('127.0.0.1');
    expect(resolveRemoteAddress(peer, ['127.0.0.1, 192.168.13.23'], 1)).toBe('192.168.13.23');
    expect(resolveRemoteAddress(peer, ['127.0.0.1, 8.8.8.8', '192.168.13.23'], 1)).toBe(
      '192.168.13.23',
    );
  });

  it('counts trusted proxies from the right and keeps the peer when nothing usable is there', () => {
    const peer = '10.0.0.1';
    expect(resolveRemoteAddress(peer, ['203.0.113.9, 198.51.100.2'], 2)).toBe('203.0.113.9');
    expect(resolveRemoteAddress(peer, ['203.0.113.9'], 3)).toBe('203.0.113.9');
    expect(resolveRemoteAddress(peer, ['203.0.113.9'], 0)).toBe(peer);
    expect(resolveRemoteAddress(peer, undefined, 1)).toBe(peer);
    expect(resolveRemoteAddress(peer, ['unknown'], 1)).toBe(peer);
    expect(resolveRemoteAddress(peer, [' , '], 1)).toBe(peer);
    expect(resolveRemoteAddress(peer, ['[2001:db8::1]:443'], 1)).toBe('2001:db8::1');
    expect(resolveRemoteAddress(peer, ['198.51.100.7:5555'], 1)).toBe('198.51.100.7');
  });

  it('gives IPv4-mapped peers and forwarded entries as plain IPv4, in either notation', () => {
    expect(resolveRemoteAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
    expect(resolveRemoteAddress('::FFFF:7f00:1', undefined, 0)).toBe('127.0.0.1');
    expect(resolveRemoteAddress('10.0.0.1', ['::ffff:198.51.100.7'], 1)).toBe('198.51.100.7');
    expect(resolveRemoteAddress('10.0.0.1', ['[::ffff:c633:6407]:443'], 1)).toBe('198.51.100.7');
    expect(resolveRemoteAddress('::ffff:10.0.0.1', ['unknown'], 1)).toBe('10.0.0.1');
    // Other IPv6 addresses, embedded IPv4 or not, are the client's IPv6 address: kept.
    for (const kept of ['2002:cb00:714d::1', '::1', '2001:db8::1', '64:ff9b::cb00:714d']) {
      expect(resolveRemoteAddress(kept, undefined, 0)).toBe(kept);
    }
  });

  it('returns the peer or an IP address for any header text', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.nat(4), (headers, proxies) => {
        const address = resolveRemoteAddress('10.0.0.1', headers, proxies);
        expect(address === '10.0.0.1' || isIpAddress(address)).toBe(true);
      }),
    );
  });
});

describe('IP addresses', () => {
  it('parses IPv6 forms', () => {
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('2001:db8::8a2e:370:7334')).toEqual([
      0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334,
    ]);
    expect(parseIpv6('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201]);
    expect(parseIpv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':', 'g::1', '1.2.3.4']) {
      expect(parseIpv6(bad), bad).toBeUndefined();
    }
  });

  it('anonymises IPv4 to /24 and IPv6 to /48', () => {
    expect(anonymiseIpAddress('198.51.100.77')).toBe('198.51.100.0');
    expect(anonymiseIpAddress('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::');
    expect(anonymiseIpAddress('::ffff:198.51.100.77')).toBe('198.51.100.0');
    expect(anonymiseIpAddress('::1')).toBe('::');
    expect(anonymiseIpAddress('not an address')).toBeUndefined();
    expect(anonymiseIpAddress('01.2.3.4')).toBeUndefined();
  });

  it('anonymising is idempotent and always yields an address', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(address, (text) => {
        const once = anonymiseIpAddress(text);
        expect(once).toBeDefined();
        expect(isIpAddress(once!)).toBe(true);
        expect(anonymiseIpAddress(once!)).toBe(once);
      }),
    );
  });
});

/** Every IPv6 form that carries an IPv4 address, for one address `a.b.c.d`. */
function embeddings([a, b, c, d]: readonly number[]): string[] {
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  const teredo = (x: number, y: number) => (((x << 8) | y) ^ 0xffff).toString(16);
  return [
    `::ffff:${a}.${b}.${c}.${d}`,
    `::ffff:${hex(a!, b!)}:${hex(c!, d!)}`,
    `0:0:0:0:0:FFFF:${hex(a!, b!)}:${hex(c!, d!)}`,
    `::${a}.${b}.${c}.${d}`,
    `64:ff9b::${a}.${b}.${c}.${d}`,
    `64:ff9b::${hex(a!, b!)}:${hex(c!, d!)}`,
    `2002:${hex(a!, b!)}:${hex(c!, d!)}::1`,
    `2002:${hex(a!, b!)}:${hex(c!, d!)}:5:6:7:8:9`,
    `2001:0:4136:e378:8000:63bf:${teredo(a!, b!)}:${teredo(c!, d!)}`,
    `2001::4136:e378:8000:63bf:${teredo(a!, b!)}:${teredo(c!, d!)}`,
  ];
}

describe('anonymising addresses that carry an IPv4 address', () => {
  it('cuts 6to4, Teredo, NAT64, IPv4-mapped and IPv4-compatible forms to the IPv4 /24', () => {
    // The example: 2002:cb00:714d::1 holds 203.0.113.77.
    expect(anonymiseIpAddress('2002:cb00:714d::1')).toBe('203.0.113.0');
    // RFC 4380's example client behind Teredo: 192.0.2.45.
    expect(anonymiseIpAddress('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toBe('192.0.2.0');
    for (const form of embeddings([203, 0, 113, 77])) {
      expect(anonymiseIpAddress(form), form).toBe('203.0.113.0');
    }
  });

  it('for any IPv4 address and every form, keeps only its /24', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (bytes) => {
        const [a, b, c] = bytes;
        // Not 0.0.0.x: `::0.0.c.d` is an ordinary IPv6 address (and `::`, `::1` are loopback).
        fc.pre(a !== 0 || b !== 0);
        for (const form of embeddings(bytes)) {
          expect(anonymiseIpAddress(form), form).toBe(`${a}.${b}.${c}.0`);
        }
      }),
    );
  });

  it('normalises every IPv4-mapped address, in either notation, to the IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        for (const mapped of [`::ffff:${v4}`, `::FFFF:${hex}`, `0:0::ffff:${v4}`]) {
          expect(normaliseIpAddress(mapped), mapped).toBe(v4);
        }
      }),
    );
    for (const kept of [
      '::ffff:01.2.3.4',
      '::ffff:1.2.3',
      '::ffff:1.2.3.4.5',
      '::ffff:256.1.1.1',
    ]) {
      expect(normaliseIpAddress(kept), kept).toBe(kept);
    }
  });

  it('normalises only IPv4-mapped addresses when not anonymising', () => {
    expect(normaliseIpAddress('::ffff:203.0.113.77')).toBe('203.0.113.77');
    expect(normaliseIpAddress('::ffff:cb00:714d')).toBe('203.0.113.77');
    expect(normaliseIpAddress('0::ffff:cb00:714d')).toBe('203.0.113.77');
    for (const kept of ['203.0.113.77', '2002:cb00:714d::1', '::cb00:714d', '::1', '', 'x:y']) {
      expect(normaliseIpAddress(kept)).toBe(kept);
    }
  });
});

describe('cutAddresses: every address in any header value', () => {
  it('cuts addresses wherever they stand and keeps the rest of the value', () => {
    const cases: [string, string][] = [
      ['203.0.113.77', '203.0.113.0'],
      ['203.0.113.77:4711', '203.0.113.0:4711'],
      ['198.51.100.1, 203.0.113.77', '198.51.100.0, 203.0.113.0'],
      ['for=203.0.113.77;proto=https', 'for=203.0.113.0;proto=https'],
      ['for="[2001:db8:cafe:1:2:3:4:5]:4711"', 'for="[2001:db8:cafe::]:4711"'],
      ['for="[2002:cb00:714d::1]", for=unknown', 'for="[203.0.113.0]", for=unknown'],
      ['::ffff:203.0.113.77', '203.0.113.0'],
      ['client 2001:db8:cafe::1.', 'client 2001:db8:cafe::.'],
      ['unknown', 'unknown'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.6478.126',
        'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.6478.126',
      ],
      [
        '_dvp=0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
        '_dvp=0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
      ],
      ['Fri, 14 Apr 1995 11:30:00 GMT', 'Fri, 14 Apr 1995 11:30:00 GMT'],
      ['010.001.002.003', '010.001.002.0'],
      ['cafe2001:db8:cafe:1::1 and 1203.0.113.77', 'cafe2001:db8:cafe:: and 1203.0.113.0'],
    ];
    for (const [value, cut] of cases) expect(cutAddresses(value), value).toBe(cut);
  });

  it('leaves no full address in any text built around addresses', () => {
    // Separators as headers have them (never a hex digit, `:` or `.`, which would join addresses).
    const around = fc.string({
      unit: fc.constantFrom(...' ,;="[]<>/xyz_'.split('')),
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(around, fc.oneof(fc.ipV4(), fc.ipV6())), { minLength: 1, maxLength: 4 }),
        around,
        (parts, tail) => {
          const value = parts.map(([before, address]) => before + address).join('') + tail;
          const cut = cutAddresses(value);
          for (const [, address] of parts) {
            const anonymised = anonymiseIpAddress(address)!;
            if (anonymised !== address) expect(cut).not.toContain(address);
          }
          expect(cutAddresses(cut)).toBe(cut);
        },
      ),
    );
  });
});
