import { createHash, createHmac, getHashes, pbkdf2Sync } from 'node:crypto';
import type { JsonValue } from '@tributary/schema';
import type { CompileContext } from './internal/compile-context';
import { jsonAsText } from './internal/java-text';
import { MappingError } from './mapping-error';
import { Value, derive, type Producer, type ProducerFactory } from './value';

// Divolte's fixed PBKDF2 salt: ASCII "divolte" and eight bytes.
const SALT = Buffer.from([
  0x64, 0x69, 0x76, 0x6f, 0x6c, 0x74, 0x65, 0xb6, 0x87, 0xe2, 0xd9, 0xaa, 0x06, 0x03, 0x72,
]);
const ITERATIONS = 100_000;

/** Maps a Java (JCA) algorithm name such as `SHA-256` or `SHA3-256` to Node's. */
function nodeAlgorithm(algorithm: string): string | undefined {
  const upper = algorithm.toUpperCase();
  const name = upper.startsWith('SHA3-')
    ? upper.toLowerCase()
    : upper.startsWith('SHA-512/')
      ? `sha512-${upper.slice(8)}`
      : upper.replace('-', '').toLowerCase();
  return getHashes().includes(name) ? name : undefined;
}

/** A value that can be added to a digest: a string, bytes or a scalar JSON value. */
export type DigestInput =
  string | Value<string, 'string'> | Value<Uint8Array, 'bytes'> | Value<JsonValue, 'json'>;

/** @internal One digest piece compiled: its bytes for an event, or undefined when absent. */
export type Piece = (event: Parameters<Producer<unknown>>[0]) => Uint8Array | undefined;

/** @internal Wraps a compiled piece, given its label, for {@link Digester.resultWith}. */
export type PieceSharing = (label: string, piece: Piece, context: CompileContext) => Piece;

/**
 * Divolte's digester: a hash (or, with a seed, an HMAC) over the pieces added, in order. Absent
 * pieces are skipped; the result is never absent. Immutable: `add` returns a new digester.
 */
export class Digester {
  readonly #algorithm: string;
  readonly #key: Buffer | undefined;
  readonly #description: string;
  readonly #pieces: readonly DigestInput[];

  /** @internal Made by {@link digest}. */
  constructor(
    algorithm: string,
    key: Buffer | undefined,
    description: string,
    pieces: readonly DigestInput[],
  ) {
    this.#algorithm = algorithm;
    this.#key = key;
    this.#description = description;
    this.#pieces = pieces;
  }

  /** Adds a piece: a literal string, a string value (UTF-8), bytes, or a scalar JSON value (its text). */
  add(piece: DigestInput): Digester {
    if (typeof piece !== 'string' && !['string', 'bytes', 'json'].includes(piece.kind)) {
      throw new MappingError(
        'type_mismatch',
        `${this.#description}.add(${piece.description}): cannot digest a value of kind ${piece.kind}; add a string, bytes or JSON value.`,
      );
    }
    const label = typeof piece === 'string' ? JSON.stringify(piece) : piece.description;
    return new Digester(this.#algorithm, this.#key, `${this.#description}.add(${label})`, [
      ...this.#pieces,
      piece,
    ]);
  }

  /** The digest (bytes); map it onto `bytes`, or format it with `toHexLower()`, `toHexUpper()` or `toBase64()`. */
  result(): BytesValue {
    return this.resultWith(undefined, `${this.#description}.result()`);
  }

  /**
   * @internal The result with each compiled piece passed through `share` (the Groovy path gives
   * pieces Divolte's per-event shared buffers).
   */
  resultWith(share: PieceSharing | undefined, description: string): BytesValue {
    const algorithm = this.#algorithm;
    const key = this.#key;
    const pieces = this.#pieces;
    return new BytesValue(description, (context) => {
      const compiled: Piece[] = pieces.map((piece): Piece => {
        if (typeof piece === 'string') {
          const bytes = Buffer.from(piece, 'utf8');
          return () => bytes;
        }
        if (piece.kind === 'json') {
          const source = Value.producer(piece, context);
          return (event) => {
            const json = source(event);
            return json === undefined || (typeof json === 'object' && json !== null)
              ? undefined
              : Buffer.from(jsonAsText(json), 'utf8');
          };
        }
        if (piece.kind === 'string') {
          const text = Value.producer(piece, context);
          return (event) => {
            const value = text(event);
            return value === undefined ? undefined : Buffer.from(value, 'utf8');
          };
        }
        return Value.producer(piece, context);
      });
      if (share !== undefined) {
        for (let index = 0; index < compiled.length; index += 1) {
          const piece = pieces[index]!;
          const label = typeof piece === 'string' ? JSON.stringify(piece) : piece.description;
          compiled[index] = share(label, compiled[index]!, context);
        }
      }
      return (event) => {
        const hash = key === undefined ? createHash(algorithm) : createHmac(algorithm, key);
        for (const piece of compiled) {
          const bytes = piece(event);
          if (bytes !== undefined) hash.update(bytes);
        }
        return hash.digest();
      };
    });
  }
}

/** Bytes (a digest): maps onto Avro `bytes`, or formats as text. */
export class BytesValue extends Value<Uint8Array, 'bytes'> {
  /** @internal */
  constructor(description: string, factory: ProducerFactory<Uint8Array>, memoize = true) {
    super('bytes', description, factory, { memoize });
  }

  /** Lower-case hexadecimal. */
  toHexLower(): Value<string, 'string'> {
    return derive(this, 'string', '.toHexLower()', (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'),
    );
  }

  /** Upper-case hexadecimal. */
  toHexUpper(): Value<string, 'string'> {
    return derive(this, 'string', '.toHexUpper()', (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase(),
    );
  }

  /** Standard base64 with padding and no line breaks. */
  toBase64(): Value<string, 'string'> {
    return derive(this, 'string', '.toBase64()', (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    );
  }
}

/**
 * Divolte's `digest(algorithm[, seed])`. Without a seed, a plain hash (`SHA-256`, `SHA-512`,
 * `SHA3-256`, `MD5`, … in Java's spelling). With a seed, an HMAC whose key is derived exactly as
 * Divolte derives it (PBKDF2 with the same salt and 100,000 iterations, and Divolte's key length,
 * the MAC length read as bits), so pseudonymised ids equal Divolte's. The key is derived once,
 * here, not per event.
 * @throws {MappingError} `unsupported_algorithm` when Node's crypto lacks the algorithm.
 * @example
 * map(digest('SHA-256', 'my secret seed').add(partyId()).result().toHexLower()).onto('partyHash');
 */
export function digest(algorithm: string, seed?: string): Digester {
  const name = nodeAlgorithm(algorithm);
  const description =
    seed === undefined
      ? `digest(${JSON.stringify(algorithm)})`
      : `digest(${JSON.stringify(algorithm)}, seed#${createHash('sha256').update(seed).digest('hex').slice(0, 12)})`;
  if (name === undefined) {
    throw new MappingError(
      'unsupported_algorithm',
      `${description}: the algorithm is not supported; use e.g. SHA-256, SHA-512 or SHA3-256.`,
    );
  }
  let key: Buffer | undefined;
  if (seed !== undefined) {
    // Java has PBKDF2 only for the HMAC-SHA family, so Divolte refuses a seed with anything else.
    if (!/^sha(1|224|256|384|512)$/.test(name)) {
      throw new MappingError(
        'unsupported_algorithm',
        `${description}: a seeded digest needs SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512.`,
      );
    }
    const macLength = createHash(name).digest().length;
    // Divolte passes the MAC length in bytes where PBEKeySpec expects bits, so the key is short.
    key = pbkdf2Sync(seed, SALT, ITERATIONS, Math.floor(macLength / 8), name);
  }
  return new Digester(name, key, description, []);
}
