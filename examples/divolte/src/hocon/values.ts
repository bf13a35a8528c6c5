import type { Origin } from './hocon-error';

/** A HOCON object: its fields in the order they were first set. */
export interface HoconObject {
  readonly kind: 'object';
  readonly fields: Map<string, Node>;
  readonly origin: Origin;
}

/** A HOCON array. */
export interface HoconArray {
  readonly kind: 'array';
  readonly items: Node[];
  readonly origin: Origin;
}

/**
 * A string, number, boolean or null. `text` is its spelling in the file (`10` stays `10`, not
 * `10.0`, when it becomes part of a string); `space` marks whitespace between concatenated values.
 */
export interface HoconScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly text: string;
  readonly space?: boolean;
  readonly origin: Origin;
}

/** `${path}` or `${?path}`, before resolution. */
export interface HoconSubstitution {
  readonly kind: 'substitution';
  readonly path: readonly string[];
  readonly optional: boolean;
  readonly origin: Origin;
}

/** Values written side by side (`${DIR}/working`, `30 seconds`), before resolution. */
export interface HoconConcatenation {
  readonly kind: 'concat';
  readonly parts: readonly Node[];
  readonly origin: Origin;
}

/**
 * A later value of a field set over an earlier one that is not a plain object merge: the earlier
 * value is what a self-reference (`port = ${?port}`, `+=`) means, and what an optional
 * substitution that names nothing leaves in place.
 */
export interface HoconOverride {
  readonly kind: 'override';
  readonly value: Node;
  readonly prior: Node;
  readonly origin: Origin;
}

/** A node of a parsed, maybe unresolved configuration. */
export type Node =
  HoconObject | HoconArray | HoconScalar | HoconSubstitution | HoconConcatenation | HoconOverride;

/** A resolved value: objects, arrays and scalars only, all the way down. */
export type HoconValue = HoconObject | HoconArray | HoconScalar;

/** Whether a node holds no substitution anywhere (so a later value simply replaces it). */
export function isResolved(node: Node): boolean {
  switch (node.kind) {
    case 'scalar':
      return true;
    case 'object':
      return [...node.fields.values()].every(isResolved);
    case 'array':
      return node.items.every(isResolved);
    default:
      return false;
  }
}

/**
 * Sets a field as HOCON's duplicate-key rule says: an object over an object merges; a value over
 * a resolved non-object replaces it; anything else keeps the earlier value as its prior.
 */
export function setField(
  into: HoconObject,
  key: string,
  value: Node,
  path: readonly string[],
): void {
  const existing = into.fields.get(key);
  if (existing === undefined) {
    into.fields.set(key, value);
    return;
  }
  if (existing.kind === 'object' && value.kind === 'object') {
    for (const [name, child] of value.fields) setField(existing, name, child, [...path, name]);
    return;
  }
  // A plain value over anything: replaced (an object breaks a merge only if it was set before).
  if (isResolved(value) && (value.kind !== 'object' || isResolved(existing))) {
    into.fields.set(key, value);
    return;
  }
  into.fields.set(key, { kind: 'override', value, prior: existing, origin: value.origin });
}
