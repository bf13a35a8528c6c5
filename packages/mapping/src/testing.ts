/**
 * `@tributary/mapping/testing`: helpers for tests and demos of mappings. `writeMmdb` builds a
 * small MaxMind DB in memory, so `ip2geo()` can be exercised without MaxMind's licensed files;
 * production uses GeoLite2/GeoIP2 databases.
 */
export { writeMmdb, type MmdbNetwork, type MmdbValue, type WriteMmdbOptions } from './mmdb-writer';
