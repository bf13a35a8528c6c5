// Kafka, Druid and Superset: where they are (environment, else infra/'s defaults), whether they
// answer, and starting and stopping them with the repository's infra/ scripts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/** Addresses of the services. */
export interface ServiceUrls {
  readonly kafkaBrokers: readonly string[];
  readonly overlordUrl: string;
  readonly brokerUrl: string;
}

/** Reads `KAFKA_BOOTSTRAP_SERVERS`, `DRUID_OVERLORD_URL` and `DRUID_BROKER_URL`. */
export function serviceUrls(env: NodeJS.ProcessEnv): ServiceUrls {
  return {
    kafkaBrokers: (env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',').filter(Boolean),
    overlordUrl: env.DRUID_OVERLORD_URL ?? 'http://127.0.0.1:18081',
    brokerUrl: env.DRUID_BROKER_URL ?? 'http://127.0.0.1:18082',
  };
}

/** Whether a Kafka broker answers a metadata request. */
export async function kafkaAnswers(brokers: readonly string[]): Promise<boolean> {
  const admin = new Kafka({
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Whether the overlord is healthy and the broker ready to answer queries. */
export async function druidAnswers(urls: ServiceUrls): Promise<boolean> {
  try {
    const health = await fetch(`${urls.overlordUrl}/status/health`, {
      signal: AbortSignal.timeout(2000),
    });
    const readiness = await fetch(`${urls.brokerUrl}/druid/broker/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    });
    return health.ok && readiness.ok;
  } catch {
    return false;
  }
}

/** Superset: where it is and whom the dashboard is imported (and opened) as. */
export interface SupersetSettings {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/**
 * Reads `SUPERSET_URL` (else `SUPERSET_PORT` on 127.0.0.1), `SUPERSET_ADMIN_USER` and
 * `SUPERSET_ADMIN_PASSWORD`: the variables infra/superset/superset.sh sets its admin up from, so
 * a password chosen for the script reaches the import too.
 */
export function supersetSettings(env: NodeJS.ProcessEnv): SupersetSettings {
  return {
    url: env.SUPERSET_URL ?? `http://127.0.0.1:${env.SUPERSET_PORT ?? '18088'}`,
    username: env.SUPERSET_ADMIN_USER ?? 'admin',
    password: env.SUPERSET_ADMIN_PASSWORD ?? 'admin',
  };
}

/** Whether Superset's `/health` answers OK. */
export async function supersetAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
    return response.ok && (await response.text()) === 'OK';
  } catch {
    return false;
  }
}

/** The repository's infra scripts. */
export type InfraService = 'kafka' | 'druid' | 'superset';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `infra/<service>/<service>.sh <verb>` with its output on ours; rejects on failure. */
export function runInfra(service: InfraService, verb: 'start' | 'stop'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(`infra/${service}/${service}.sh`, [verb], {
      cwd: REPOSITORY,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`infra/${service}/${service}.sh ${verb} exited with ${code}`));
    });
  });
}
