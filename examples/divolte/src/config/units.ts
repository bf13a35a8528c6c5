// HOCON's duration and size formats, as Lightbend Config (which Divolte uses) reads them.

const DURATION_UNITS: Record<string, number> = {};
for (const [ms, names] of [
  [1e-6, ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds']],
  [1e-3, ['us', 'micro', 'micros', 'microsecond', 'microseconds']],
  [1, ['', 'ms', 'milli', 'millis', 'millisecond', 'milliseconds']],
  [1000, ['s', 'second', 'seconds']],
  [60_000, ['m', 'minute', 'minutes']],
  [3_600_000, ['h', 'hour', 'hours']],
  [86_400_000, ['d', 'day', 'days']],
] as const) {
  for (const name of names) DURATION_UNITS[name] = ms;
}

const SIZE_UNITS: Record<string, number> = {};
for (const [bytes, names] of [
  [1, ['', 'B', 'b', 'byte', 'bytes']],
  [1000, ['kB', 'kilobyte', 'kilobytes']],
  [1024, ['K', 'k', 'Ki', 'KiB', 'kibibyte', 'kibibytes']],
  [1000 ** 2, ['MB', 'megabyte', 'megabytes']],
  [1024 ** 2, ['M', 'm', 'Mi', 'MiB', 'mebibyte', 'mebibytes']],
  [1000 ** 3, ['GB', 'gigabyte', 'gigabytes']],
  [1024 ** 3, ['G', 'g', 'Gi', 'GiB', 'gibibyte', 'gibibytes']],
] as const) {
  for (const name of names) SIZE_UNITS[name] = bytes;
}

const AMOUNT = /^\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$/;

function parseAmount(text: string, units: Record<string, number>): number | undefined {
  const match = AMOUNT.exec(text);
  if (!match) return undefined;
  const scale = units[match[2]!];
  if (scale === undefined) return undefined;
  return Number(match[1]) * scale;
}

/** `30 seconds`, `1 hour`, `750` (milliseconds) → milliseconds, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const ms = parseAmount(text, DURATION_UNITS);
  return ms === undefined ? undefined : Math.round(ms);
}

/** `4096`, `16K`, `10M` → bytes, or undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const bytes = parseAmount(text, SIZE_UNITS);
  return bytes === undefined || !Number.isInteger(bytes) ? undefined : bytes;
}
