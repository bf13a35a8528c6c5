import { describe, expect, it } from 'vitest';
import { createTributaryEventMapper } from '../default-mappings';
import { benchEvents, handWritten } from './bench-fixtures';

describe('the benchmark baseline', () => {
  it('produces the same records as the compiled default mapping, for every benchmark event', () => {
    const compiled = createTributaryEventMapper();
    for (const event of benchEvents) {
      expect(compiled(event)).toEqual({ ok: true, dropped: false, value: handWritten(event) });
    }
  });
});
