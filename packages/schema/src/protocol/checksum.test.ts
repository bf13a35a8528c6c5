import { describe, expect, it } from 'vitest';
import { parseQueryString } from '../internal/query-string';
import { canonicalChecksumString, computeChecksum } from './checksum';
import { murmur3x86_32 } from './murmur3';

// RequestChecksumTest's request, as divolte.js sent it.
const DIVOLTE_QUERY =
  'p=0%3Ai1t84hgy%3A5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG&s=0%3Ai1t84hgy%3A95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8' +
  '&v=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF&e=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0&c=i1t8q2b6&n=f&f=f' +
  '&l=http%3A%2F%2Flocalhost%3A8290%2F&i=1ak&j=sj&k=2&w=uq&h=qd&t=pageView';

describe('murmur3x86_32', () => {
  it('matches the published MurmurHash3 x86_32 vectors', () => {
    expect(murmur3x86_32('', 0)).toBe(0);
    expect(murmur3x86_32('', 1)).toBe(0x514e28b7);
    expect(murmur3x86_32('hello', 0) >>> 0).toBe(0x248bfa47);
    expect(murmur3x86_32('The quick brown fox jumps over the lazy dog', 0) >>> 0).toBe(0x2e4ff723);
    expect(murmur3x86_32(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0) >>> 0).toBe(0xf55b516b);
    expect(murmur3x86_32(new Uint8Array([0x21, 0x43, 0x65]), 0) >>> 0).toBe(0x7e4a8634);
    expect(murmur3x86_32(new Uint8Array([0x21, 0x43]), 0) >>> 0).toBe(0xa0f7b07a);
    expect(murmur3x86_32(new Uint8Array([0x21]), 0) >>> 0).toBe(0x72661cf4);
  });

  it('hashes strings as UTF-8, lone surrogates as "?" like Java', () => {
    expect(murmur3x86_32('π€😀')).toBe(murmur3x86_32(new Uint8Array(Buffer.from('π€😀', 'utf8'))));
    expect(murmur3x86_32('a\ud800b')).toBe(murmur3x86_32('a?b'));
  });
});

describe('checksum', () => {
  const pairs = parseQueryString(DIVOLTE_QUERY);

  it('builds the canonical string Divolte hashes', () => {
    expect(canonicalChecksumString(pairs)).toMatch(
      /^c=i1t8q2b6,;e=0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0,;f=f,;h=qd,;i=1ak,;/,
    );
  });

  it('gives si9804 for the RequestChecksumTest request', () => {
    expect(computeChecksum(pairs).toString(36)).toBe('si9804');
  });

  it('ignores x itself and counts every value of a repeated key, in order', () => {
    const withX = [...pairs, ['x', 'whatever'] as [string, string]];
    expect(computeChecksum(withX)).toBe(computeChecksum(pairs));
    const repeated = [...pairs, ['t', 'second'] as [string, string]];
    expect(canonicalChecksumString(repeated)).toContain(';t=pageView,second,;');
    expect(computeChecksum(repeated)).not.toBe(computeChecksum(pairs));
  });
});
