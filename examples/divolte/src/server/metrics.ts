// Prometheus text: labelling one source's series, and summing the series of several workers.

const SAMPLE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;

/** Adds `label="value"` to every sample of a Prometheus text (comments unchanged). */
export function withLabel(text: string, label: string, value: string): string {
  const pair = `${label}=${JSON.stringify(value)}`;
  return text
    .split('\n')
    .map((line) => {
      const match = line.startsWith('#') ? null : SAMPLE.exec(line);
      if (!match) return line;
      const [, name, labels, sample] = match;
      return `${name}{${labels ? `${pair},${labels}` : pair}} ${sample}`;
    })
    .join('\n');
}

/** `# HELP`/`# TYPE` and one sample per label set, as a block of Prometheus text. */
export function prometheusBlock(
  name: string,
  help: string,
  type: 'counter' | 'gauge',
  samples: readonly (readonly [labels: string, value: number])[],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  return lines.join('\n') + '\n';
}

/**
 * Sums the samples of several Prometheus texts series by series (same name, same labels): counters,
 * histogram buckets, sums and counts add up across workers and sources, and so do gauges of
 * amounts (queued events, open connections). Each family keeps its `# HELP`/`# TYPE` once, with
 * all its series after them, in the order first seen.
 */
export function sumPrometheus(texts: readonly string[]): string {
  const families = new Map<string, { comments: string[]; series: string[] }>();
  const values = new Map<string, number>();
  for (const text of texts) {
    // Samples belong to the family of the comments before them.
    let family = '';
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('#')) {
        family = line.split(' ')[2] ?? '';
        const entry = families.get(family) ?? { comments: [], series: [] };
        families.set(family, entry);
        if (!entry.comments.includes(line)) entry.comments.push(line);
        continue;
      }
      const match = SAMPLE.exec(line);
      if (!match) continue;
      const series = `${match[1]}${match[2] === undefined ? '' : `{${match[2]}}`}`;
      const previous = values.get(series);
      if (previous === undefined) {
        const entry = families.get(family) ?? { comments: [], series: [] };
        families.set(family, entry);
        entry.series.push(series);
      }
      values.set(series, (previous ?? 0) + Number(match[3]));
    }
  }
  const lines: string[] = [];
  for (const { comments, series } of families.values()) {
    lines.push(...comments);
    for (const name of series) lines.push(`${name} ${formatNumber(values.get(name)!)}`);
  }
  return lines.join('\n') + '\n';
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
