import { murmur3x64_128Into } from './murmur3-128';

/** Divolte's short-term duplicate memory (reference §1.9): one 64-bit signature per slot. */
export interface DuplicateMemory {
  /** Whether this party/session/event id triple was probably seen before; remembers it either way. */
  observe(partyId: string, sessionId: string, eventId: string): boolean;
}

/**
 * A direct-mapped memory of `size` slots, byte-for-byte Divolte's: Guava `murmur3_128` (seed 0)
 * over the UTF-16LE code units of party id, session id and event id, concatenated (Guava's
 * `putUnencodedChars`). The slot is the big-endian int of hash bytes 0..3, masked to 31 bits, modulo
 * `size`; the signature is hash bytes 8..15. A slot keeps only the last signature, so the memory
 * forgets quickly and may rarely report a false positive, exactly as Divolte's does.
 */
export function createDuplicateMemory(size: number): DuplicateMemory {
  // The signature (h2) as two 32-bit halves; comparing halves is comparing the long.
  const high = new Int32Array(size);
  const low = new Int32Array(size);
  // A slot that was never written holds signature 0, as a fresh Java long[] does.
  const hash = new Int32Array(4);
  let scratch = new Uint8Array(512);
  const put = (text: string, at: number): number => {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      scratch[at++] = unit & 0xff;
      scratch[at++] = unit >>> 8;
    }
    return at;
  };
  return {
    observe(partyId, sessionId, eventId) {
      const length = 2 * (partyId.length + sessionId.length + eventId.length);
      if (length > scratch.length) scratch = new Uint8Array(length * 2);
      put(eventId, put(sessionId, put(partyId, 0)));
      murmur3x64_128Into(scratch, length, 0, hash);
      const h1Low = hash[0]!;
      // Bytes 0..3 are h1's low word little-endian; Guava's Ints.fromBytes reads them big-endian.
      const selector =
        ((h1Low & 0xff) << 24) |
        ((h1Low & 0xff00) << 8) |
        ((h1Low >>> 8) & 0xff00) |
        (h1Low >>> 24);
      const slot = (selector & 0x7fffffff) % size;
      const signatureLow = hash[2]!;
      const signatureHigh = hash[3]!;
      const duplicate = high[slot] === signatureHigh && low[slot] === signatureLow;
      high[slot] = signatureHigh;
      low[slot] = signatureLow;
      return duplicate;
    },
  };
}
