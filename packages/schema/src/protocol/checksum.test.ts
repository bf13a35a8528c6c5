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
    const vectors: [string, number, number][] = [
      ['', 0, 0],
      ['', 1, 0x514e28b7],
      ['', 0xffffffff, 0x81f16f39],
      ['hello', 0, 0x248bfa47],
      ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
      ['a', 0x9747b28c, 0x7fa09ea6],
      ['ab', 0x9747b28c, 0x74875592],
      ['abc', 0x9747b28c, 0xc84a62dd],
      ['abcd', 0x9747b28c, 0xf0478627],
      ['aaaa', 0x9747b28c, 0x5a97808a],
      ['Hello, world!', 0x9747b28c, 0x24884cba],
      ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ];
    for (const [text, seed, expected] of vectors) {
      expect(murmur3x86_32(text, seed) >>> 0, `${text} / ${seed}`).toBe(expected);
    }
  });

  it('hashes strings as UTF-8, lone surrogates as "?" like Java', () => {
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
