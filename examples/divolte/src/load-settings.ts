import { formatIssue } from './config/config-fields';
import type { DivolteSettings } from './config/divolte-settings';
import { readDivolteConfig } from './config/read-config';
import { validateDivolteConfig } from './config/validate-config';
import { HoconError } from './hocon';

/** A configuration read and checked, or the lines that say why it cannot run. */
export type LoadedSettings =
  | { readonly ok: true; readonly settings: DivolteSettings }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Reads and checks a divolte-collector.conf: every error as `file:line: key: why` (HOCON errors as
 * `file:line: why`).
 */
export function loadSettings(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): LoadedSettings {
  try {
    const checked = validateDivolteConfig(readDivolteConfig({ file, env }));
    return checked.ok
      ? { ok: true, settings: checked.value }
      : { ok: false, errors: checked.issues.map(formatIssue) };
  } catch (error) {
    if (error instanceof HoconError) return { ok: false, errors: [error.message] };
    throw error;
  }
}

/** The one start-up warning naming every setting this server does not honour, or undefined. */
export function ignoredWarning(settings: DivolteSettings): string | undefined {
  if (settings.ignored.length === 0) return undefined;
  return (
    `warning: ${settings.ignored.length} setting(s) of this configuration are not honoured by the ` +
    `Divolte-compatible server:\n  ${settings.ignored.join('\n  ')}`
  );
}
