import { defaultArtifacts } from './default-artifacts';

/**
 * {@link defaultArtifacts} formatted with the repository's Prettier configuration, so the
 * committed files pass `prettier --check`. Only the generator script and its test use this.
 */
export async function formattedArtifacts(directory: string): Promise<Record<string, string>> {
  const prettier = await import('prettier');
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(defaultArtifacts())) {
    const filepath = directory + name;
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    out[name] = await prettier.format(text, { ...config, filepath });
  }
  return out;
}
