import { execFile, execFileSync } from 'node:child_process';

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

/**
 * The Python that runs fastavro: `TRIBUTARY_PYTHON` when set (.ci/run sets it to the interpreter
 * it installed fastavro into, because `npx` puts Node's directory, and so the system Python, first
 * on PATH), else `python3`.
 */
const PYTHON = process.env.TRIBUTARY_PYTHON ?? 'python3';

/** The exact CI line that installs the reference reader. */
export const REFERENCE_READER_INSTALL =
  'python3 -m pip install --disable-pip-version-check fastavro (and TRIBUTARY_PYTHON=<that python3>)';

/** Whether python3 with fastavro is available. */
export function hasReferenceReader(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import fastavro'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
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
    execFile(
      PYTHON,
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
