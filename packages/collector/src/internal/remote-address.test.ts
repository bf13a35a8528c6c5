import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anonymiseIpAddress, isIpAddress, parseIpv6 } from './ip-address';
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
    expect(anonymiseIpAddress('::ffff:198.51.100.77')).toBe('::ffff:198.51.100.0');
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
