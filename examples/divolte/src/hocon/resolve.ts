import { HoconError, type Origin } from './hocon-error';
import type { HoconObject, HoconValue, Node } from './values';

/** A value missing on purpose: an optional substitution that names nothing. */
const ABSENT = Symbol('absent');
type Maybe = HoconValue | typeof ABSENT;

/**
 * Resolves every substitution of `root` in place, as HOCON does: a path names a value of the
 * whole configuration, else an environment variable of that name (`${?DIVOLTE_PORT}`); a path
 * that names the field being set means the field's earlier value.
 * @throws {HoconError} `substitution` (a required one unresolved, or a cycle) or `concatenation`.
 */
export function resolveHocon(
  root: HoconObject,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const inProgress = new Set<Node>();

  function field(
    object: HoconObject,
    key: string,
    path: readonly string[],
  ): HoconValue | undefined {
    const node = object.fields.get(key);
    if (node === undefined) return undefined;
    if (node.kind === 'object' || node.kind === 'scalar') return node;
    if (inProgress.has(node)) {
      throw new HoconError(
        'substitution',
        `The value of ${path.join('.')} refers to itself (a cycle).`,
        node.origin,
      );
    }
    inProgress.add(node);
    try {
      const value = evaluate(node, path, undefined);
      if (value === ABSENT) object.fields.delete(key);
      else object.fields.set(key, value);
      return value === ABSENT ? undefined : value;
    } finally {
      inProgress.delete(node);
    }
  }

  function lookup(path: readonly string[]): HoconValue | undefined {
    let current: HoconValue | undefined = root;
    for (let index = 0; index < path.length; index++) {
      if (current?.kind !== 'object') return undefined;
      current = field(current, path[index]!, path.slice(0, index + 1));
    }
    return current;
  }

  /** `self` is the field's path and earlier value, for self-references. */
  function evaluate(node: Node, path: readonly string[], self: Node | undefined): Maybe {
    switch (node.kind) {
      case 'scalar':
      case 'object':
        return node;
      case 'array': {
        const items: HoconValue[] = [];
        for (const item of node.items) {
          const value = evaluate(item, path, undefined);
          if (value !== ABSENT) items.push(value);
        }
        return { kind: 'array', items, origin: node.origin };
      }
      case 'override': {
        const value = evaluate(node.value, path, node.prior);
        if (value === ABSENT) return evaluate(node.prior, path, undefined);
        if (value.kind !== 'object') return value;
        const prior = evaluate(node.prior, path, undefined);
        return prior !== ABSENT && prior.kind === 'object' ? mergeObjects(prior, value) : value;
      }
      case 'substitution': {
        if (sameKeys(node.path, path)) {
          return self === undefined ? absentOrFail(node) : evaluate(self, path, undefined);
        }
        const found = lookup(node.path);
        if (found !== undefined) return found;
        const variable = env[node.path.join('.')];
        if (variable !== undefined) {
          return { kind: 'scalar', value: variable, text: variable, origin: node.origin };
        }
        return absentOrFail(node);
      }
      case 'concat':
        return concatenate(
          node.parts.map((part) => evaluate(part, path, self)),
          node.origin,
        );
    }
  }

  function resolveAll(object: HoconObject, path: readonly string[]): void {
    for (const key of [...object.fields.keys()]) {
      const value = field(object, key, [...path, key]);
      if (value !== undefined) resolveChildren(value, [...path, key]);
    }
  }

  function resolveChildren(value: HoconValue, path: readonly string[]): void {
    if (value.kind === 'object') resolveAll(value, path);
    else if (value.kind === 'array')
      for (const item of value.items) resolveChildren(item as HoconValue, path);
  }

  resolveAll(root, []);
}

function absentOrFail(node: { path: readonly string[]; optional: boolean; origin: Origin }): Maybe {
  if (node.optional) return ABSENT;
  const name = node.path.join('.');
  throw new HoconError(
    'substitution',
    `\${${name}} names no setting and no environment variable ${name}.`,
    node.origin,
  );
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function mergeObjects(base: HoconObject, over: HoconObject): HoconObject {
  const fields = new Map(base.fields);
  for (const [key, value] of over.fields) {
    const existing = fields.get(key);
    fields.set(
      key,
      existing?.kind === 'object' && value.kind === 'object'
        ? mergeObjects(existing, value)
        : value,
    );
  }
  return { kind: 'object', fields, origin: over.origin };
}

function concatenate(parts: readonly Maybe[], origin: Origin): Maybe {
  const present = parts.filter((part): part is HoconValue => part !== ABSENT);
  const solid = present.filter((part) => !(part.kind === 'scalar' && part.space === true));
  if (solid.length === 0) return ABSENT;
  if (solid.every((part) => part.kind === 'object')) {
    return solid.reduce((merged, part) => mergeObjects(merged, part));
  }
  if (solid.every((part) => part.kind === 'array')) {
    const items = solid.flatMap((part) => part.items);
    return { kind: 'array', items, origin };
  }
  if (present.every((part) => part.kind === 'scalar')) {
    // Whitespace counts only between values: `${?A} x` with A unset is "x".
    const scalars = present;
    while (scalars[0]?.space === true) scalars.shift();
    while (scalars[scalars.length - 1]?.space === true) scalars.pop();
    const text = scalars.map((part) => (part.value === null ? 'null' : part.text)).join('');
    return { kind: 'scalar', value: text, text, origin };
  }
  throw new HoconError(
    'concatenation',
    'Cannot concatenate an object or an array with text; put them on separate lines or quote the text.',
    origin,
  );
}
