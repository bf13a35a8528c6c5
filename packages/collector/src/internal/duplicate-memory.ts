import { murmur3x64_128Into } from './murmur3-128';

/** Whether typed arrays are little-endian here (as on every platform Node and browsers run on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
  // The signature (h2) as two 32-bit halves, side by side (one cache line per lookup); comparing
  // halves is comparing the long.
  const signatures = new Int32Array(2 * size);
  // A slot that was never written holds signature 0, as a fresh Java long[] does.
  const hash = new Int32Array(4);
  // The UTF-16LE bytes of the ids. A little-endian platform writes them as code units and hashes
  // them as whole 32-bit words; a big-endian one writes and reads bytes.
  let buffer = new ArrayBuffer(512);
  let bytes = new Uint8Array(buffer);
  let units = new Uint16Array(buffer);
  let words = new Int32Array(buffer);
  const put = LITTLE_ENDIAN
    ? (text: string, at: number): number => {
        for (let i = 0; i < text.length; i++) units[at++] = text.charCodeAt(i);
        return at;
      }
    : (text: string, at: number): number => {
        for (let i = 0; i < text.length; i++) {
          const unit = text.charCodeAt(i);
          bytes[2 * at] = unit & 0xff;
          bytes[2 * at + 1] = unit >>> 8;
          at++;
        }
        return at;
      };
  return {
    observe(partyId, sessionId, eventId) {
      const length = 2 * (partyId.length + sessionId.length + eventId.length);
      if (length > buffer.byteLength) {
        buffer = new ArrayBuffer(length * 2);
        bytes = new Uint8Array(buffer);
        units = new Uint16Array(buffer);
        words = new Int32Array(buffer);
      }
      put(eventId, put(sessionId, put(partyId, 0)));
      murmur3x64_128Into(bytes, length, 0, hash, LITTLE_ENDIAN ? words : undefined);
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
      const at = 2 * slot;
      const duplicate = signatures[at] === signatureHigh && signatures[at + 1] === signatureLow;
      signatures[at] = signatureHigh;
      signatures[at + 1] = signatureLow;
      return duplicate;
    },
  };
}
