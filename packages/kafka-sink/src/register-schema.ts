import type { AvroSchema } from '@tributary/schema';
import { KafkaSinkError } from './kafka-sink-error';

/** The part of `fetch` the registry client uses, so any fetch-compatible function fits. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Options of {@link registerSchema}. */
export interface RegisterSchemaOptions {
  /**
   * Base URL of a Confluent-compatible registry API: `http://host:8081` for Confluent and Karapace,
   * `http://host:8080/apis/ccompat/v7` for Apicurio.
   */
  readonly url: string;
  /** The subject, conventionally `<topic>-value`. */
  readonly subject: string;
  /** The Avro schema to register. */
  readonly schema: AvroSchema;
  /**
   * The HTTP client.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
  /**
   * Abandon the request after this many milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Registers a schema under a subject (`POST /subjects/{subject}/versions`) and returns its id; a
 * schema already registered returns its existing id. Throws {@link KafkaSinkError} `registry_failed`.
 */
export async function registerSchema(options: RegisterSchemaOptions): Promise<number> {
  const fetchImpl: FetchLike = options.fetch ?? globalThis.fetch;
  const url = `${options.url.replace(/\/+$/, '')}/subjects/${encodeURIComponent(options.subject)}/versions`;
  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
      body: JSON.stringify({ schema: JSON.stringify(options.schema) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    status = response.status;
    text = await response.text();
    if (!response.ok) {
      throw new KafkaSinkError(
        'registry_failed',
        `The registry answered ${status} for ${url}: ${text.slice(0, 300)}`,
      );
    }
  } catch (cause) {
    if (cause instanceof KafkaSinkError) throw cause;
    throw new KafkaSinkError(
      'registry_failed',
      `The registry at ${url} is unreachable: ${String(cause)}`,
      { cause },
    );
  }
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown }).id;
  } catch (cause) {
    throw new KafkaSinkError(
      'registry_failed',
      `The registry answered ${status} with no JSON: ${text.slice(0, 300)}`,
      {
        cause,
      },
    );
  }
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw new KafkaSinkError(
      'registry_failed',
      `The registry's answer has no integer id: ${text.slice(0, 300)}`,
    );
  }
  return id;
}
