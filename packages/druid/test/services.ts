// The real services the druid package's suites run against, found once per test file: Druid
// (infra/druid/druid.sh), Kafka (infra/kafka/kafka.sh) and the schema registry
// (infra/registry/registry.sh). Addresses come from the environment, defaulting to infra/'s.
import { Kafka, logLevel } from 'kafkajs';
import type { ServiceNeed } from '../../../test/services';

export const overlordUrl = process.env.DRUID_OVERLORD_URL ?? 'http://127.0.0.1:18081';
export const brokerUrl = process.env.DRUID_BROKER_URL ?? 'http://127.0.0.1:18082';
export const bootstrapServers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
export const registryUrl =
  process.env.TRIBUTARY_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function kafkaAvailable(): Promise<boolean> {
  const admin = new Kafka({
    brokers: [bootstrapServers],
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

/** Druid's overlord is healthy and its broker ready. */
export async function druidNeed(): Promise<ServiceNeed> {
  return {
    name: `Druid at ${overlordUrl}`,
    available:
      (await answersOk(`${overlordUrl}/status/health`)) &&
      (await answersOk(`${brokerUrl}/druid/broker/v1/readiness`)),
    start: 'infra/druid/druid.sh start',
  };
}

/** A Kafka broker answers a metadata request. */
export async function kafkaNeed(): Promise<ServiceNeed> {
  return {
    name: `Kafka at ${bootstrapServers}`,
    available: await kafkaAvailable(),
    start: 'infra/kafka/kafka.sh start',
  };
}

/** The schema registry's Confluent-compatible API answers. */
export async function registryNeed(): Promise<ServiceNeed> {
  return {
    name: `the schema registry at ${registryUrl}`,
    available: await answersOk(`${registryUrl}/subjects`),
    start: 'infra/registry/registry.sh start',
  };
}

/** Reads until `done` holds or 30 s pass (Druid's ingestion and segment hand-off are asynchronous). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
