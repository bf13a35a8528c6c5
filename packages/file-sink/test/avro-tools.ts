import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Apache Avro's Java tools, a second strict reader that shares no code with avsc or fastavro.
// One JVM start costs about a second, so many files are read in one run: `cat` decodes every
// record of every input file (Java's GenericDatumReader) into one output file, and `count`
// counts the records of that output.
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(repoRoot, 'infra', 'tools', 'avro-tools.sh');

/** How a developer gets avro-tools. */
export const AVRO_TOOLS_INSTALL = 'infra/tools/avro-tools.sh fetch (Java 11+ and Maven)';

let jar: string | undefined | null = null;

/** The avro-tools jar, fetched from Maven Central on first use; undefined without Java or Maven. */
function avroToolsJar(): string | undefined {
  if (jar !== null) return jar;
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    jar =
      execFileSync('bash', [SCRIPT, 'jar'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        timeout: 300_000,
      }).trim() || undefined;
  } catch {
    jar = undefined;
  }
  return jar;
}

/** Whether Java and the avro-tools jar are available. */
export function hasAvroTools(): boolean {
  return avroToolsJar() !== undefined;
}

function run(args: readonly string[]): Promise<string> {
  const path = avroToolsJar();
  if (path === undefined)
    return Promise.reject(new Error(`avro-tools is missing: ${AVRO_TOOLS_INSTALL}`));
  return new Promise((resolve, reject) => {
    execFile(
      'java',
      ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-jar', path, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`avro-tools ${args[0]} failed: ${stderr}`, { cause: error }));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Decodes every record of `paths` (files of one schema) with Java's reader and returns how many
 * there are; rejects when any file does not read completely.
 */
export async function countWithAvroTools(paths: readonly string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const dir = mkdtempSync(join(tmpdir(), 'tributary-avro-tools-'));
  try {
    const out = join(dir, 'all.avro');
    await run(['cat', ...paths, out]);
    return Number((await run(['count', out])).trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dumps one file as JSON lines with `tojson`; rejects when it does not read completely. */
export async function toJsonWithAvroTools(path: string): Promise<unknown[]> {
  const out = await run(['tojson', path]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}
