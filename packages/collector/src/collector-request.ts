/** Why an adapter could not deliver a request body. */
export type BodyFailure = 'body_too_large' | 'content_length_mismatch' | 'body_unreadable';

/** A request body as an adapter read it, within the limit the core asked for. */
export type BodyResult =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly reason: BodyFailure };

/**
 * One HTTP request as the transport-neutral core sees it. Adapters implement it over their own
 * request objects without copying what the core does not ask for.
 */
export interface CollectorRequest {
  /** The method, upper case. */
  readonly method: string;
  /** The request target in origin form: path and query, e.g. `/csc-event?p=…`. */
  readonly url: string;
  /** The socket peer's address, or `''` when the runtime does not tell. */
  readonly remoteAddress: string;
  /** One header by lower-case name; repeated headers joined by `, ` (`; ` for cookie). */
  header(name: string): string | undefined;
  /** Every value of a header, in order, by lower-case name. */
  headerValues(name: string): readonly string[] | undefined;
  /**
   * All headers, lower-case names, every value of repeated headers in order. The object is handed
   * to `onEvent` as it is, so it should belong to this request; the core copies it before it
   * rewrites anything.
   */
  headers(): Record<string, string[]>;
  /** The size of the header section in bytes (names and values), for the header limit. */
  headerBytes(): number;
  /**
   * Reads the whole body, failing with `body_too_large` past `limit` bytes (early, from
   * Content-Length, when it is declared) and with `content_length_mismatch` when fewer or more bytes
   * arrive than declared.
   */
  readBody(limit: number): Promise<BodyResult>;
}

/** The core's answer; adapters write it as it is. */
export interface CollectorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `undefined` for no body. Strings are UTF-8. */
  readonly body: Uint8Array | string | undefined;
}
