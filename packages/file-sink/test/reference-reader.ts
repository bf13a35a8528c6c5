import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Reads Avro container files with fastavro, a reference implementation that shares no code
// with avsc, and returns their records as JSON (bytes as base64, non-finite floats as strings).
const SCRIPT = String.raw`
import base64, datetime, json, math, sys
import fastavro

def conv(v):
    if isinstance(v, (bytes, bytearray)):
        return {'$bytes': base64.b64encode(bytes(v)).decode()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return {'$float': str(v)}
    if isinstance(v, dict):
        return {k: conv(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (v - epoch) // datetime.timedelta(milliseconds=1)
    return v

out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        reader = fastavro.reader(f)
        out.append({'path': path, 'codec': reader.codec, 'records': [conv(r) for r in reader]})
print(json.dumps(out))
`;

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const FASTAVRO_SCRIPT = join(repoRoot, 'infra', 'tools', 'fastavro.sh');

/** How a developer gets the reference reader. */
export const REFERENCE_READER_INSTALL = 'infra/tools/fastavro.sh python';

/**
 * Finds a Python that can `import fastavro` (`TRIBUTARY_PYTHON`, `python3` on PATH, the usual
 * system paths, then the project venv under `.infra-cache/python/venv`) and, when none has it,
 * installs the pinned fastavro into that venv. `npx` puts Node's own directory first on PATH,
 * where another python3 may hide the one with fastavro; the script tries them all. Returns
 * undefined when no Python can be found or set up (no python3, no PyPI).
 */
function findPython(): string | undefined {
  try {
    const out = execFileSync('bash', [FASTAVRO_SCRIPT, 'python'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      timeout: 300_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

let python: string | undefined | null = null;
const referencePython = (): string | undefined =>
  python === null ? (python = findPython()) : python;

/** Whether a Python with fastavro is available (set up on first use). */
export function hasReferenceReader(): boolean {
  return referencePython() !== undefined;
}

/** One file as fastavro read it. */
export interface ReferenceFile {
  readonly path: string;
  readonly codec: string;
  readonly records: unknown[];
}

/** Reads files with fastavro; rejects if fastavro cannot read any of them. */
export function readWithReference(paths: readonly string[]): Promise<ReferenceFile[]> {
  return new Promise((resolve, reject) => {
    const python = referencePython();
    if (python === undefined) {
      reject(new Error(`fastavro is missing; run ${REFERENCE_READER_INSTALL}`));
      return;
    }
    execFile(
      python,
      ['-c', SCRIPT, ...paths],
      { maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`fastavro failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as ReferenceFile[]);
      },
    );
  });
}

/** Converts a record the way the reference reader's JSON shows it (bytes as base64, …). */
export function asReferenceJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' };
  }
  if (Array.isArray(value)) return value.map(asReferenceJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asReferenceJson(v)]));
  }
  return value;
}

// Reads each file on its own and reports per file, so one unreadable file does not hide the rest.
const CHECK_SCRIPT = String.raw`
import json, sys
import fastavro

out = []
for path in sys.argv[1:]:
    n = 0
    try:
        with open(path, 'rb') as f:
            for _ in fastavro.reader(f):
                n += 1
        out.append({'path': path, 'ok': True, 'records': n})
    except Exception as e:
        out.append({'path': path, 'ok': False, 'records': n, 'error': type(e).__name__ + ': ' + str(e)})
print(json.dumps(out))
`;

/** How fastavro fared with one file: read completely, or failed after `records`. */
export interface ReferenceCheck {
  readonly path: string;
  readonly ok: boolean;
  readonly records: number;
  readonly error?: string;
}

/** Reads every file completely with fastavro and reports per file (in one Python process). */
export function checkWithReference(paths: readonly string[]): Promise<ReferenceCheck[]> {
  return new Promise((resolve, reject) => {
    const python = referencePython();
    if (python === undefined) {
      reject(new Error(`fastavro is missing; run ${REFERENCE_READER_INSTALL}`));
      return;
    }
    if (paths.length === 0) {
      resolve([]);
      return;
    }
    execFile(
      python,
      ['-c', CHECK_SCRIPT, ...paths],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`fastavro failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as ReferenceCheck[]);
      },
    );
  });
}
