import type { JsonValue } from '@tributary/schema';

/** `Double.toString` of Java: `1.0`, `1.5E-5`, `1.0E21`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${digits}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/**
 * Jackson's `JsonNode#asText`: a string as it is, a number as Java prints it (integers without a
 * fraction), `true`/`false`/`null`, and `""` for an object, an array or a missing node.
 */
export function jsonAsText(value: JsonValue | undefined): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 2 ** 63
        ? BigInt(value).toString()
        : javaDoubleToString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : '';
    default:
      return '';
  }
}
