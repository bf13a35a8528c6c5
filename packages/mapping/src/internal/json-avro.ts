// Divolte's JSON-to-Avro coercion (its Jackson-based AvroGenericRecordMapper with the features it
// enables: single values accepted as arrays, one-element arrays unwrapped, unknown enum symbols as
// null, unknown properties ignored). A value that does not fit gives FAIL; the caller leaves the
// field unset, as Divolte does. Divolte leaves READ_UNKNOWN_ENUM_VALUES_AS_NULL off, so an unknown
// enum symbol fails too. (The dossier's "unknown symbol gives null" needs that feature on.)
import type { JsonValue } from '@tributary/schema';
import type { Type } from 'avsc';
import { javaDoubleToString, jsonAsText } from './java-text';

/** The result of a coercion that failed. */
export const FAIL: unique symbol = Symbol('fail');

interface Field {
  readonly name: string;
  readonly type: Type;
  defaultValue(): unknown;
}

type Avro = Type & {
  readonly types?: Type[];
  readonly itemsType?: Type;
  readonly valuesType?: Type;
  readonly fields?: Field[];
  readonly symbols?: string[];
  readonly size?: number;
};

/** The branch of a union Divolte maps onto: `[null, T]`, `[T, null]` or `[T]`; else undefined. */
export function trivialUnionBranch(type: Type): Type | undefined {
  const types = (type as Avro).types;
  if (types === undefined) return type;
  if (types.length === 1) return types[0];
  if (types.length !== 2) return undefined;
  const [first, second] = types as [Type, Type];
  if (first.typeName === 'null') return second;
  if (second.typeName === 'null') return first;
  return undefined;
}

/** Why a JSON value could never map onto a type (a non-trivial union somewhere), or undefined. */
export function checkJsonTarget(type: Type, seen = new Set<Type>()): string | undefined {
  if (seen.has(type)) return undefined;
  seen.add(type);
  const avro = type as Avro;
  if (avro.types !== undefined) {
    const branch = trivialUnionBranch(type);
    return branch === undefined
      ? `only unions of null and one other type are supported, not ${JSON.stringify(type.schema())}`
      : checkJsonTarget(branch, seen);
  }
  if (avro.itemsType !== undefined) return checkJsonTarget(avro.itemsType, seen);
  if (avro.valuesType !== undefined) return checkJsonTarget(avro.valuesType, seen);
  for (const field of avro.fields ?? []) {
    const problem = checkJsonTarget(field.type, seen);
    if (problem !== undefined) return `${field.name}: ${problem}`;
  }
  return undefined;
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function toNumber(json: JsonValue): number | typeof FAIL {
  if (typeof json === 'number') return json;
  if (typeof json === 'string' && NUMERIC.test(json.trim())) return Number(json.trim());
  return FAIL;
}

function toInteger(json: JsonValue, min: number, max: number): number | typeof FAIL {
  const value = toNumber(json);
  if (value === FAIL || !Number.isFinite(value)) return FAIL;
  const truncated = Math.trunc(value);
  return truncated >= min && truncated <= max ? truncated : FAIL;
}

function toBytes(json: JsonValue): Buffer | typeof FAIL {
  return typeof json === 'string' && BASE64.test(json) ? Buffer.from(json, 'base64') : FAIL;
}

function scalar(json: JsonValue, type: Avro): unknown {
  switch (type.typeName) {
    case 'boolean':
      if (typeof json === 'boolean') return json;
      if (json === 'true' || json === 'True' || json === 'TRUE') return true;
      if (json === 'false' || json === 'False' || json === 'FALSE') return false;
      if (typeof json === 'number' && Number.isInteger(json)) return json !== 0;
      return FAIL;
    case 'int':
      return toInteger(json, -(2 ** 31), 2 ** 31 - 1);
    case 'long':
      return toInteger(json, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'float': {
      const value = toNumber(json);
      return value === FAIL ? FAIL : Math.fround(value);
    }
    case 'double':
      return toNumber(json);
    case 'string':
      if (typeof json === 'string') return json;
      if (typeof json === 'number')
        return Number.isInteger(json) ? jsonAsText(json) : javaDoubleToString(json);
      if (typeof json === 'boolean') return jsonAsText(json);
      return FAIL;
    case 'bytes':
      return toBytes(json);
    case 'fixed': {
      const bytes = toBytes(json);
      const size = type.size ?? 0;
      if (bytes === FAIL || bytes.length < size) return FAIL;
      return bytes.subarray(0, size);
    }
    case 'enum':
      return typeof json === 'string' && type.symbols?.includes(json) === true ? json : FAIL;
    default:
      return FAIL;
  }
}

/** Coerces a JSON value onto an avsc type; {@link FAIL} when it does not fit. */
export function jsonToAvro(json: JsonValue, type: Type): unknown {
  const avro = type as Avro;
  if (avro.types !== undefined) {
    const branch = trivialUnionBranch(type);
    if (branch === undefined) return FAIL;
    if (json === null) return avro.types.some((t) => t.typeName === 'null') ? null : FAIL;
    return jsonToAvro(json, branch);
  }
  switch (type.typeName) {
    case 'null':
      return json === null ? null : FAIL;
    case 'record': {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return FAIL;
      const record: Record<string, unknown> = {};
      for (const field of avro.fields ?? []) {
        const property = Object.hasOwn(json, field.name) ? json[field.name] : undefined;
        const value =
          property === undefined ? field.defaultValue() : jsonToAvro(property, field.type);
        if (value === FAIL || value === undefined) return FAIL;
        record[field.name] = value;
      }
      return record;
    }
    case 'array': {
      const items = Array.isArray(json) ? json : [json];
      const out: unknown[] = [];
      for (const item of items) {
        const value = jsonToAvro(item, avro.itemsType!);
        if (value === FAIL) return FAIL;
        out.push(value);
      }
      return out;
    }
    case 'map': {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return FAIL;
      const out = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of Object.entries(json)) {
        const value = jsonToAvro(item, avro.valuesType!);
        if (value === FAIL) return FAIL;
        out[key] = value;
      }
      return out;
    }
    default: {
      if (json === null) return FAIL;
      const unwrapped = Array.isArray(json) ? (json.length === 1 ? json[0]! : FAIL) : json;
      if (unwrapped === FAIL || Array.isArray(unwrapped)) return FAIL;
      return scalar(unwrapped, avro);
    }
  }
}
