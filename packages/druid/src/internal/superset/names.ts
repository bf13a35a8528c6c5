import { createHash } from 'node:crypto';

// Name-based uuids (version 5 layout over SHA-1), so that generating the bundle again for the same
// datasource names the same objects and an import with overwrite updates them in place.
export function nameUuid(...parts: string[]): string {
  const hash = createHash('sha1')
    .update(`tributary-superset\0${parts.join('\0')}`)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A name made safe for a file in the bundle. */
export function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
}

/** A column name quoted for Druid SQL. */
export function quoted(column: string): string {
  return `"${column.replaceAll('"', '""')}"`;
}
