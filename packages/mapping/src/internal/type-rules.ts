// Divolte's type rules (producer → Avro), checked once when a mapping is built.
import type { Type } from 'avsc';
import type { ValueKind } from '../value';
import { checkJsonTarget, trivialUnionBranch } from './json-avro';

const PRIMITIVE: Partial<Record<ValueKind, string>> = {
  boolean: 'boolean',
  string: 'string',
  int: 'int',
  long: 'long',
  float: 'float',
  double: 'double',
  bytes: 'bytes',
};

const UNMAPPABLE: Partial<Record<ValueKind, string>> = {
  userAgent:
    'a parsed user agent cannot be mapped directly; map one of its parts, e.g. userAgent().name()',
  geoIp:
    'a geo lookup cannot be mapped directly; map one of its parts, e.g. ip2geo().countryCode()',
  uri: 'a parsed URI cannot be mapped directly; map one of its parts, e.g. .path() or .query()',
  match: 'a regular-expression match cannot be mapped directly; map .matches() or .group(…)',
};

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** Describes an avsc type briefly for messages. */
export function describeType(type: Type): string {
  return JSON.stringify(type.schema());
}

/** Whether the value's kind is one that can never be mapped, and why. */
export function unmappableReason(kind: ValueKind): string | undefined {
  return UNMAPPABLE[kind];
}

/**
 * Why a value of `kind` cannot be written to a field of `type`, or undefined when it can. The
 * target may be the type itself or a two-branch union with null; no widening (an int is not a long).
 */
export function typeMismatch(
  kind: ValueKind,
  itemKind: ValueKind | undefined,
  type: Type,
): string | undefined {
  if (kind === 'json') return checkJsonTarget(type);
  const target = trivialUnionBranch(type);
  if (target === undefined) {
    return `only unions of null and one other type can be mapped onto, not ${describeType(type)}`;
  }
  const primitive = PRIMITIVE[kind];
  if (primitive !== undefined) {
    return target.typeName === primitive
      ? undefined
      : `${article(kind)} ${kind} value needs ${article(primitive)} ${primitive} field, not ${describeType(type)}`;
  }
  if (kind === 'list') {
    if (target.typeName !== 'array')
      return `a list needs an array field, not ${describeType(type)}`;
    const items = (target as Type & { itemsType: Type }).itemsType;
    const problem = itemKind === undefined ? undefined : typeMismatch(itemKind, undefined, items);
    return problem === undefined ? undefined : `its items: ${problem}`;
  }
  if (kind === 'query') {
    const values = (target as Type & { valuesType?: Type }).valuesType;
    const items =
      values === undefined ? undefined : (values as Type & { itemsType?: Type }).itemsType;
    return target.typeName === 'map' && values?.typeName === 'array' && items?.typeName === 'string'
      ? undefined
      : `a query needs a map of array of string, not ${describeType(type)}`;
  }
  return UNMAPPABLE[kind] ?? `a ${kind} value cannot be mapped`;
}

/** Whether a field type accepts null (a union with a null branch, or null itself). */
export function acceptsNull(type: Type): boolean {
  const types = (type as Type & { types?: Type[] }).types;
  return type.typeName === 'null' || (types?.some((t) => t.typeName === 'null') ?? false);
}

/** Why a literal cannot be written to a field, or undefined when it can. */
export function literalMismatch(literal: unknown, type: Type): string | undefined {
  const target = trivialUnionBranch(type);
  if (target === undefined) {
    return `only unions of null and one other type can be mapped onto, not ${describeType(type)}`;
  }
  if (literal === null)
    return acceptsNull(type) ? undefined : `null needs a nullable field, not ${describeType(type)}`;
  switch (typeof literal) {
    case 'string':
      return target.typeName === 'string'
        ? undefined
        : `a string literal needs a string field, not ${describeType(type)}`;
    case 'boolean':
      return target.typeName === 'boolean'
        ? undefined
        : `a boolean literal needs a boolean field, not ${describeType(type)}`;
    case 'number':
      return ['int', 'long', 'float', 'double'].includes(target.typeName) && target.isValid(literal)
        ? undefined
        : `the number ${literal} does not fit ${describeType(type)}`;
    default:
      return `only string, number, boolean and null literals can be mapped, not ${typeof literal}`;
  }
}
