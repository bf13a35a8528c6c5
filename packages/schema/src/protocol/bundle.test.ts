import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without declarations
import { bundleProtocol, TAG_SUBSET, WHOLE } from '../../scripts/protocol-bundle.mjs';

interface Bundle {
  minified: number;
  gzip: number;
  inputs: string[];
}

describe('@tributary/schema/protocol in a browser bundle', () => {
  it('pulls in nothing but its own files: no zod, no avsc, no Node built-ins', async () => {
    const bundle = (await bundleProtocol(WHOLE)) as Bundle;
    const foreign = bundle.inputs.filter(
      (input) => !/^src\/(protocol|internal)\/[a-z0-9-]+\.ts$/.test(input) && input !== '<stdin>',
    );
    expect(foreign).toEqual([]);
    expect(bundle.inputs).not.toContain('src/internal/zod-issues.ts');
  });

  it('tree-shakes: a tag that encodes events ships less than the whole subpath', async () => {
    const whole = (await bundleProtocol(WHOLE)) as Bundle;
    const subset = (await bundleProtocol(TAG_SUBSET)) as Bundle;
    expect(subset.inputs).not.toContain('src/internal/query-string.ts');
    expect(subset.minified).toBeLessThan(whole.minified);
    expect(subset.inputs.some((input) => input.includes('decode'))).toBe(false);
  });
});
