import { divolteEventRecord } from '@tributary/schema';
import { bench, describe } from 'vitest';
import { createDivolteEventMapper, createTributaryEventMapper } from './default-mappings';
import { compileGroovyMapping } from './groovy-mapping';
import { corpusFile } from './test-support/divolte-corpus';
import { benchEvents as events, handWritten } from './test-support/bench-fixtures';

const compiled = createTributaryEventMapper();

// Longer runs than the default: the machine is shared, and more samples steady the mean.
const options = { time: 3000, warmupTime: 500 };
let sink = 0;
describe('map 256 events onto TributaryEventRecord (ops/s × 256 = events/s)', () => {
  bench(
    'baseline: hand-written function, same record',
    () => {
      for (const event of events) sink += handWritten(event).timestamp & 1;
    },
    options,
  );
  bench(
    'compiled tributaryEventMapping (createTributaryEventMapper)',
    () => {
      for (const event of events) {
        const result = compiled(event);
        if (result.ok && !result.dropped) sink += result.value.timestamp & 1;
      }
    },
    options,
  );
});

// Divolte's built-in mapping twice: written in TypeScript, and read from its Groovy text. The
// script compiles onto the same builder, so the two should map at the same speed.
const fromTypeScript = createDivolteEventMapper();
const fromGroovy = compileGroovyMapping({
  script: corpusFile('default-mapping.groovy'),
  schema: divolteEventRecord.schema,
});
describe('map 256 events onto DefaultEventRecord: TypeScript vs Groovy text (ops/s × 256 = events/s)', () => {
  bench(
    'baseline: divolteEventMapping in TypeScript (createDivolteEventMapper)',
    () => {
      for (const event of events) {
        const result = fromTypeScript(event);
        if (result.ok && !result.dropped) sink += result.value.timestamp & 1;
      }
    },
    options,
  );
  bench(
    'the same mapping read from Groovy (compileGroovyMapping)',
    () => {
      for (const event of events) {
        const result = fromGroovy(event);
        if (result.ok && !result.dropped) sink += (result.value.timestamp as number) & 1;
      }
    },
    options,
  );
});

export { sink };
