import { bench, describe } from 'vitest';
import { createTributaryEventMapper } from './default-mappings';
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

export { sink };
