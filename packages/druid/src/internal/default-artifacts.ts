import { divolteEventRecord, tributaryEventRecord } from '@tributary/schema';
import { createSupervisorSpec } from '../supervisor-spec';
import { createTurniloConfig } from '../turnilo';

/**
 * The committed artefacts under specs/: for each built-in record, a raw and a rolled-up supervisor
 * spec and their Turnilo cubes, with the default Kafka and Druid addresses.
 */
export function defaultArtifacts(): Record<string, string> {
  const out: Record<string, string> = {};
  const records = { divolte: divolteEventRecord, tributary: tributaryEventRecord };
  for (const [name, schema] of Object.entries(records)) {
    for (const rollup of [false, true]) {
      const suffix = rollup ? 'rollup' : 'raw';
      const dataSource = `${name}_events${rollup ? '_rollup' : ''}`;
      const spec = createSupervisorSpec({
        schema,
        dataSource,
        topic: `${name}-events`,
        bootstrapServers: '127.0.0.1:9092',
        rollup,
      });
      out[`${name}-${suffix}.json`] = `${JSON.stringify(spec, null, 2)}\n`;
      out[`${name}-${suffix}.turnilo.yaml`] = createTurniloConfig({
        schema,
        dataSource,
        rollup,
        brokerUrl: 'http://127.0.0.1:8082',
      });
    }
  }
  return out;
}
