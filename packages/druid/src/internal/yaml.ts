/** A JSON-like value that {@link toYaml} writes. */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function scalar(value: string | number | boolean | null): string {
  // JSON strings are YAML double-quoted scalars, escapes included.
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) ? name : JSON.stringify(name);
}

function isEmpty(value: YamlValue): boolean {
  return (
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length === 0)
  );
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        const [first, ...rest] = lines(item, `${indent}  `);
        return [`${indent}- ${first!.trimStart()}`, ...rest];
      }
      return [
        `${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item as string)}`,
      ];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([name, item]) => {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        return [
          `${indent}${key(name)}:`,
          ...lines(item, Array.isArray(item) ? indent : `${indent}  `),
        ];
      }
      const text = isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item as string);
      return [`${indent}${key(name)}: ${text}`];
    });
  }
  return [`${indent}${scalar(value)}`];
}

/** Writes YAML in block style with every string double-quoted: no ambiguity, no dependency. */
export function toYaml(value: YamlValue): string {
  if (isEmpty(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  return `${lines(value, '').join('\n')}\n`;
}
