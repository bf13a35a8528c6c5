import { divolteEventRecord } from './divolte-event-record';
import { tributaryEventRecord } from './tributary-event-record';

/** The committed `.avsc` files of the built-in records: package-relative path → file text. */
export function avscFiles(): [string, string][] {
  return [divolteEventRecord, tributaryEventRecord].map((declaration) => [
    `avro/${declaration.schema.name}.avsc`,
    `${JSON.stringify(declaration.schema, null, 2)}\n`,
  ]);
}
