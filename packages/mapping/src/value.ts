import type { ClickEvent } from '@tributary/schema';
import type { CompileContext } from './internal/compile-context';
import { derivedProducer } from './internal/specialize';

/** What a {@link Value} produces, as Divolte's type rules see it. */
export type ValueKind =
  | 'boolean'
  | 'string'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'list'
  | 'query'
  | 'json'
  | 'userAgent'
  | 'geoIp'
  | 'uri'
  | 'match';

/** The kinds a `map … onto` cannot write: map one of their parts instead. */
export type UnmappableKind = 'userAgent' | 'geoIp' | 'uri' | 'match';

/** The number kinds. */
export type NumberKind = 'int' | 'long' | 'float' | 'double';

/** @internal Computes a value for one event; `undefined` means absent. */
export type Producer<T> = (event: ClickEvent) => T | undefined;

/** @internal Turns a value description into its per-event closure, once, when a mapping is built. */
export type ProducerFactory<T> = (context: CompileContext) => Producer<T>;

/** @internal Options of a {@link Value}. */
export interface ValueOptions {
  /** Compute once per event even when used several times (parsing, lookups, hashing). */
  memoize?: boolean;
  /** The kind of a list's items. */
  itemKind?: ValueKind;
  /**
   * For a plain read of the event: the same value as a JavaScript expression over the event `e`
   * (`e.location`), which a mapping compiles inline. Fixed strings of this package only.
   */
  inline?: string;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length)
      return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) {
      return false;
    }
  }
  return true;
}

/**
 * A value source of the mapping DSL: a description of where a value comes from, compiled to a
 * closure when the mapping is built. A value may be **absent** for an event (no referer, no such
 * cookie, a string that does not parse); whatever is derived from an absent value is absent too,
 * and mapping an absent value leaves the field at its default. Absence is never an error.
 *
 * `T` is the TypeScript type of the value, `TKind` its Avro-side kind, which decides the fields it
 * may be mapped onto (Divolte's type rules).
 */
export class Value<T, TKind extends ValueKind = ValueKind> {
  /** How the value was made, e.g. `userAgent().name()`; error messages quote it. */
  readonly description: string;
  /** The value's kind, which decides the Avro types it fits. */
  readonly kind: TKind;
  /** For a list, the kind of its items. */
  readonly itemKind: ValueKind | undefined;
  readonly #factory: ProducerFactory<T>;
  readonly #memoize: boolean;
  readonly #inline: string | undefined;

  /** @internal Values are made by the source functions (`location()`, `cookie('x')`, …). */
  constructor(
    kind: TKind,
    description: string,
    factory: ProducerFactory<T>,
    options: ValueOptions = {},
  ) {
    this.kind = kind;
    this.description = description;
    this.itemKind = options.itemKind;
    this.#factory = factory;
    this.#memoize = options.memoize ?? false;
    this.#inline = options.inline;
  }

  /** @internal The inline expression of a plain event read, if the value is one. */
  static inline(value: Value<unknown>): string | undefined {
    return value.#inline;
  }

  /** @internal The closure of a value within one mapping under construction. */
  static producer<T>(value: Value<T>, context: CompileContext): Producer<T> {
    return context.producer(value.description, value.#memoize, () => value.#factory(context));
  }

  /** True when the value is present, false when it is absent; never absent itself. */
  isPresent(): BooleanValue {
    return new BooleanValue(`${this.description}.isPresent()`, (context) => {
      const source = Value.producer(this, context);
      return (event) => source(event) !== undefined;
    });
  }

  /** True when the value is absent; never absent itself. */
  isAbsent(): BooleanValue {
    return new BooleanValue(`${this.description}.isAbsent()`, (context) => {
      const source = Value.producer(this, context);
      return (event) => source(event) === undefined;
    });
  }

  /**
   * Compares with another value or a literal. With a value, absent equals absent (Divolte compares
   * the two optionals); with a literal, an absent value is not equal. Never absent itself.
   */
  equalTo(other: Value<T, TKind> | T): BooleanValue {
    if (other instanceof Value) {
      return new BooleanValue(`${this.description}.equalTo(${other.description})`, (context) => {
        const left = Value.producer(this, context);
        const right = Value.producer(other, context);
        return (event) => deepEqual(left(event), right(event));
      });
    }
    return new BooleanValue(`${this.description}.equalTo(${JSON.stringify(other)})`, (context) => {
      const source = Value.producer(this, context);
      return (event) => {
        const value = source(event);
        return value !== undefined && deepEqual(value, other);
      };
    });
  }

  /** The description, as in error messages. */
  toString(): string {
    return this.description;
  }
}

/** @internal A value computed from a present parent value; absent when the parent is. */
export function derive<TParent, T, TKind extends ValueKind>(
  parent: Value<TParent>,
  kind: TKind,
  suffix: string,
  compute: (parent: TParent) => T | undefined,
  options?: ValueOptions,
): Value<T, TKind> {
  return new Value<T, TKind>(
    kind,
    `${parent.description}${suffix}`,
    (context) => derivedProducer(Value.producer(parent, context), compute),
    options,
  );
}

/**
 * A boolean value: a condition for `when`, combinable with `and`, `or` and `not`. Like Divolte,
 * `and` and `or` are absent when either side is absent, and `when` applies only to a present true.
 */
export class BooleanValue extends Value<boolean, 'boolean'> {
  /** @internal */
  constructor(description: string, factory: ProducerFactory<boolean>, options?: ValueOptions) {
    super('boolean', description, factory, options);
  }

  /** Both true; absent when either side is absent. */
  and(other: Value<boolean, 'boolean'>): BooleanValue {
    return this.#combine('and', other, (a, b) => a && b);
  }

  /** Either true; absent when either side is absent. */
  or(other: Value<boolean, 'boolean'>): BooleanValue {
    return this.#combine('or', other, (a, b) => a || b);
  }

  /** The negation; absent when this is absent. Same as {@link not}. */
  negate(): BooleanValue {
    return new BooleanValue(`not(${this.description})`, (context) => {
      const source = Value.producer(this, context);
      return (event) => {
        const value = source(event);
        return value === undefined ? undefined : !value;
      };
    });
  }

  #combine(
    name: string,
    other: Value<boolean, 'boolean'>,
    combine: (a: boolean, b: boolean) => boolean,
  ): BooleanValue {
    return new BooleanValue(`${this.description}.${name}(${other.description})`, (context) => {
      const left = Value.producer(this, context);
      const right = Value.producer(other, context);
      return (event) => {
        const a = left(event);
        const b = right(event);
        return a === undefined || b === undefined ? undefined : combine(a, b);
      };
    });
  }
}

/** Negates a condition (Divolte's `not`); absent stays absent. */
export function not(condition: Value<boolean, 'boolean'>): BooleanValue {
  return condition instanceof BooleanValue
    ? condition.negate()
    : new BooleanValue(`not(${condition.description})`, (context) => {
        const source = Value.producer(condition, context);
        return (event) => {
          const value = source(event);
          return value === undefined ? undefined : !value;
        };
      });
}

/** @internal A boolean derived from a present parent value. */
export function deriveBoolean<TParent>(
  parent: Value<TParent>,
  suffix: string,
  compute: (parent: TParent) => boolean | undefined,
): BooleanValue {
  return new BooleanValue(`${parent.description}${suffix}`, (context) =>
    derivedProducer(Value.producer(parent, context), compute),
  );
}

/**
 * A list value (a header's items, geo subdivisions, query values): maps onto an Avro `array` of
 * the matching item type, and has Divolte's header operations.
 */
export class ListValue<TItem, TItemKind extends ValueKind = ValueKind> extends Value<
  TItem[],
  'list'
> {
  /** @internal */
  constructor(
    itemKind: TItemKind,
    description: string,
    factory: ProducerFactory<TItem[]>,
    options: ValueOptions = {},
  ) {
    super('list', description, factory, { ...options, itemKind });
  }

  /** The first item; absent for an empty list. */
  first(): Value<TItem, TItemKind> {
    return this.#item('.first()', 0);
  }

  /** The last item; absent for an empty list. */
  last(): Value<TItem, TItemKind> {
    return this.#item('.last()', -1);
  }

  /** The item at a 0-based index; a negative index counts from the end (-1 is the last). Absent when out of range. */
  get(index: number): Value<TItem, TItemKind> {
    if (!Number.isInteger(index)) {
      throw new TypeError(`${this.description}.get(${index}): the index must be an integer.`);
    }
    return this.#item(`.get(${index})`, index);
  }

  /** The items joined with `,` (no spaces). */
  commaSeparated(): Value<string, 'string'> {
    return derive(this, 'string', '.commaSeparated()', (items) => items.join(','));
  }

  #item(suffix: string, index: number): Value<TItem, TItemKind> {
    return derive(this, this.itemKind as TItemKind, suffix, (items) =>
      index >= 0 ? items[index] : items[items.length + index],
    );
  }
}
