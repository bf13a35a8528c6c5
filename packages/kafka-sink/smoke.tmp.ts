import { Kafka, logLevel } from 'kafkajs';
import { createKafkaSink } from './src/index.ts';
const kafka = new Kafka({
  clientId: 'smoke',
  brokers: ['127.0.0.1:9092'],
  logLevel: logLevel.ERROR,
});
const schema = {
  type: 'record' as const,
  name: 'R',
  fields: [
    { name: 'id', type: 'long' },
    { name: 's', type: 'string' },
  ],
};
for (const batchSize of [250, 500, 1000, 2000]) {
  const sink = createKafkaSink<{ id: number; s: string }>({
    kafka,
    topic: 'smoke',
    schema,
    batchSize,
    idempotent: true,
  });
  const N = 60000;
  const t = performance.now();
  for (let i = 0; i < N; i += 1000) {
    await sink.write(
      Array.from({ length: 1000 }, (_, j) => ({
        key: `p${(i + j) % 97}`,
        timestamp: Date.now(),
        value: { id: i + j, s: 'x'.repeat(380) },
      })),
    );
  }
  await sink.close();
  const m = sink.metrics();
  console.log(
    batchSize,
    Math.round((N / (performance.now() - t)) * 1000),
    m.sendLatency.p50Ms.toFixed(1),
  );
}
