// Per-instance copies of the DSL's small higher-order closures. A closure made by one function
// literal shares its code, and so its inline caches, with every other closure from that literal:
// with dozens of values in a mapping, every call inside it becomes megamorphic and nothing is
// inlined. Compiling the same tiny source once per value gives each its own code and caches, so
// V8 inlines the calls as it would in hand-written code. Runs only while a mapping is built.
import type { ClickEvent } from '@tributary/schema';

type Producer<T> = (event: ClickEvent) => T | undefined;

/* eslint-disable @typescript-eslint/no-implied-eval -- fixed sources, no user input; see above. */

/** `(event) => { const v = source(event); return v === undefined ? undefined : compute(v); }` */
export function derivedProducer<TParent, T>(
  source: Producer<TParent>,
  compute: (value: TParent) => T | undefined,
): Producer<T> {
  const make = new Function(
    's',
    'c',
    'return function derived(e) { var v = s(e); return v === undefined ? undefined : c(v); };',
  ) as (s: typeof source, c: typeof compute) => Producer<T>;
  return make(source, compute);
}

/** A producer that computes once per event generation, stamped in `stamps[slot]`. */
export function memoizedProducer<T>(
  inner: Producer<T>,
  stamps: number[],
  memo: unknown[],
  slot: number,
  generation: { value: number },
): Producer<T> {
  const make = new Function(
    'p',
    's',
    'm',
    'i',
    'g',
    'return function memoized(e) { if (s[i] === g.value) return m[i]; var v = p(e); s[i] = g.value; m[i] = v; return v; };',
  ) as (p: Producer<T>, s: number[], m: unknown[], i: number, g: { value: number }) => Producer<T>;
  return make(inner, stamps, memo, slot, generation);
}

const INLINE = /^e(?:\.[A-Za-z]+)+$/;

/** How one `map` statement writes its field, for {@link fusedMapBlock}. */
export interface MapStep {
  /** The field's position in the record. */
  readonly index: number;
  /** A JavaScript expression over the event `e` for simple sources (`e.location`). */
  readonly inline: string | undefined;
  /** The producer otherwise. */
  readonly produce: Producer<unknown> | undefined;
  /** Turns a produced value into the field's value, or returns `skip` to leave the field alone. */
  readonly convert: ((value: unknown) => unknown) | undefined;
  /** A literal to write. */
  readonly literal?: { readonly value: unknown };
}

/**
 * One function for a run of consecutive `map` statements: straight-line code with a call site
 * of its own for every producer, writing into the values array. Returns 0 (continue).
 */
export function fusedMapBlock(
  steps: readonly MapStep[],
  skip: unknown,
): (event: ClickEvent, values: unknown[]) => 0 {
  const producers: Producer<unknown>[] = [];
  const converters: ((value: unknown) => unknown)[] = [];
  const literals: unknown[] = [];
  const lines = steps.map((step, n) => {
    if (step.literal !== undefined) {
      literals[n] = step.literal.value;
      return `v[${step.index}] = l[${n}];`;
    }
    let read: string;
    // Only plain property paths of the event are compiled inline; anything else is called.
    if (step.inline !== undefined && INLINE.test(step.inline)) read = step.inline;
    else {
      producers[n] = step.produce!;
      read = `p[${n}](e)`;
    }
    if (step.convert === undefined)
      return `x = ${read}; if (x !== undefined) v[${step.index}] = x;`;
    converters[n] = step.convert;
    return `x = ${read}; if (x !== undefined) { x = c[${n}](x); if (x !== k) v[${step.index}] = x; }`;
  });
  const make = new Function(
    'p',
    'c',
    'l',
    'k',
    `return function mapStatements(e, v) { var x; ${lines.join(' ')} return 0; };`,
  ) as (
    p: Producer<unknown>[],
    c: ((value: unknown) => unknown)[],
    l: unknown[],
    k: unknown,
  ) => (event: ClickEvent, values: unknown[]) => 0;
  return make(producers, converters, literals, skip);
}
