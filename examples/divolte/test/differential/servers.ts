// The two servers of the differential suite, started on the same configuration file: the real
// Divolte (through infra/divolte/divolte.sh) and the Divolte-compatible server (its command line).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ServiceNeed } from '../../../../test/services';

/** The repository's root. */
export const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');

const divolteScript = join(repoRoot, 'infra', 'divolte', 'divolte.sh');

/** The reference server's folder (`../shared/reference/divolte-server`), as divolte.sh finds it. */
export const referenceDir = join(
  process.env.TRIBUTARY_SHARED ?? join(dirname(repoRoot), 'shared'),
  'reference',
  'divolte-server',
);

/** The built reference Divolte, as `describeWithServices` takes it. */
export const divolteService: ServiceNeed = {
  name: `the reference Divolte built from ${referenceDir}`,
  available:
    existsSync(join(referenceDir, 'run.sh')) &&
    spawnSync('bash', [divolteScript, 'built'], { stdio: 'ignore' }).status === 0,
  start: existsSync(join(referenceDir, 'run.sh'))
    ? 'infra/divolte/divolte.sh build (~3 min once)'
    : `the reference server's folder ${referenceDir} (../shared beside the repository)`,
};

/** A server the suite started. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops it gracefully: every accepted event flushed and its Avro file published. */
  stop(): Promise<void>;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, timeout: 180_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${file} ${args.join(' ')} failed:\n${stderr}`, { cause: error }));
        else resolvePromise(stdout + stderr);
      },
    );
  });
}

/** Starts the real Divolte on `config` (its output under `out`). */
export async function startReference(options: {
  config: string;
  port: number;
  out: string;
}): Promise<RunningServer> {
  const env = {
    DIVOLTE_PORT: String(options.port),
    DIVOLTE_OUT: options.out,
    // The client compiler only: the start (39 Groovy scripts, divolte.js through Closure) is what
    // this suite waits for, not throughput (measured at load 15 on 2 cores: 52 s against 66 s).
    DIVOLTE_JAVA_OPTS: '-Xms128m -Xmx512m -XX:TieredStopAtLevel=1',
  };
  // A Divolte left over from an interrupted run would hold the port.
  await run('bash', [divolteScript, 'stop'], env);
  await run('bash', [divolteScript, 'start', options.config], env);
  return {
    url: `http://127.0.0.1:${options.port}`,
    async stop() {
      await run('bash', [divolteScript, 'stop'], env);
    },
  };
}

/** Starts the Divolte-compatible server (one worker) on `config`, as its contract says. */
export async function startCandidate(options: {
  config: string;
  port: number;
  out: string;
}): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'examples/divolte/src/main.ts',
      '--config',
      options.config,
      '--workers',
      '1',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, DIVOLTE_PORT: String(options.port), DIVOLTE_OUT: options.out },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolvePromise) => {
    child.on('exit', (code) => {
      resolvePromise(code);
    });
  });
  const listening = new Promise<string>((resolvePromise, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /divolte-compatible server listening on (http:\/\/\S+)/.exec(output);
      if (match) resolvePromise(match[1]!.replace(/\/$/, ''));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      reject(
        new Error(`the Divolte-compatible server exited (${code}) before listening:\n${output}`),
      );
    });
  });
  const url = await listening;
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the Divolte-compatible server exited ${code}:\n${output}`);
    },
  };
}
