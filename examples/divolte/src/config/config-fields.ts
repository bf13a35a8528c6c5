import type { HoconObject, HoconValue, Origin } from '../hocon';
import { REFERENCE_CONF } from './reference-conf';
import { parseDuration, parseSize } from './units';

/** A setting that cannot work: its key, where it is set and why. */
export interface ConfigIssue {
  readonly key: string;
  readonly origin?: Origin;
  readonly message: string;
}

/** `file:line: key: message`, the shape of every configuration error. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.origin ? `${issue.origin.file}:${issue.origin.line}: ` : '';
  return `${where}${issue.key}: ${issue.message}`;
}

/** Whether a value was set by the user's files rather than by Divolte's defaults. */
export function setByUser(value: HoconValue): boolean {
  return value.origin.file !== REFERENCE_CONF;
}

/**
 * Typed reads of one object of the configuration. A wrong value is recorded as an issue (with
 * its key and position) and the fallback is returned, so one run reports every wrong value.
 */
export class ConfigFields {
  constructor(
    readonly object: HoconObject | undefined,
    /** The dotted key of `object`, `divolte.global.server`. */
    readonly path: string,
    readonly issues: ConfigIssue[],
  ) {}

  key(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  /** The value at a dotted name under this object (`javascript.name`), if any. */
  value(name: string): HoconValue | undefined {
    let current: HoconValue | undefined = this.object;
    for (const part of name.split('.')) {
      if (current?.kind !== 'object') return undefined;
      current = current.fields.get(part) as HoconValue | undefined;
    }
    return current;
  }

  /** The object at a name, as fields; a non-object is an issue. */
  child(name: string): ConfigFields {
    const value = this.value(name);
    if (value !== undefined && value.kind !== 'object') {
      this.fail(name, value, 'expected an object { … }');
      return new ConfigFields(undefined, this.key(name), this.issues);
    }
    return new ConfigFields(value, this.key(name), this.issues);
  }

  fail(name: string, value: HoconValue | undefined, message: string): void {
    this.issues.push({
      key: this.key(name),
      message,
      ...(value ? { origin: value.origin } : this.object ? { origin: this.object.origin } : {}),
    });
  }

  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const value = this.value(name);
    if (value === undefined || (value.kind === 'scalar' && value.value === null)) return fallback;
    if (value.kind !== 'scalar') {
      this.fail(
        name,
        value,
        `expected text, found ${value.kind === 'object' ? 'an object' : 'a list'}`,
      );
      return fallback;
    }
    return value.text;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.value(name);
    if (value === undefined) return fallback;
    if (value.kind === 'scalar') {
      if (value.value === true || value.value === false) return value.value;
      // Lightbend Config reads these spellings as booleans too.
      const text = value.text.toLowerCase();
      if (['true', 'yes', 'on'].includes(text)) return true;
      if (['false', 'no', 'off'].includes(text)) return false;
    }
    this.fail(name, value, `expected true or false, found ${show(value)}`);
    return fallback;
  }

  integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.value(name);
    if (value === undefined) return fallback;
    const number = value.kind === 'scalar' ? parseSize(value.text) : undefined;
    if (number === undefined || number < min || number > max) {
      this.fail(name, value, `expected a whole number from ${min} to ${max}, found ${show(value)}`);
      return fallback;
    }
    return number;
  }

  /** A duration (`30 seconds`, `1 hour`; a bare number is milliseconds), in ms. */
  duration(name: string, fallback: number, min = 0): number {
    const value = this.value(name);
    if (value === undefined) return fallback;
    const ms = value.kind === 'scalar' ? parseDuration(value.text) : undefined;
    if (ms === undefined || ms < min) {
      this.fail(
        name,
        value,
        `expected a duration of at least ${min} ms such as "30 seconds" or "1 hour", found ${show(value)}`,
      );
      return fallback;
    }
    return ms;
  }

  /** A list of names (`[a, b]`; Lightbend Config also takes one comma-separated string). */
  names(name: string): string[] | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (value.kind === 'array') {
      const names: string[] = [];
      for (const item of value.items) {
        if (item.kind === 'scalar' && item.value !== null) names.push(item.text);
        else this.fail(name, item as HoconValue, 'expected a list of names');
      }
      return names;
    }
    if (value.kind === 'scalar' && typeof value.value === 'string') {
      return value.value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    }
    this.fail(name, value, `expected a list such as [a, b], found ${show(value)}`);
    return undefined;
  }

  /** One of the listed words. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.string(name);
    if (text === undefined) return fallback;
    if ((choices as readonly string[]).includes(text)) return text as T;
    this.fail(name, this.value(name), `expected one of ${choices.join(', ')}, found "${text}"`);
    return fallback;
  }

  /** The names of this object's fields. */
  keys(): string[] {
    return this.object ? [...this.object.fields.keys()] : [];
  }
}

function show(value: HoconValue): string {
  if (value.kind === 'object') return 'an object';
  if (value.kind === 'array') return 'a list';
  return JSON.stringify(value.text);
}
