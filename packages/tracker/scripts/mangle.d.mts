/** Internal names, shortened in the published dist and in the drop-in script. */
export const INTERNAL_NAMES: readonly string[];
/** Option names the drop-in script shortens as well. */
export const SCRIPT_OPTION_NAMES: readonly string[];
/** `mangleProps` of the published dist. */
export const DIST_MANGLE: RegExp;
/** The drop-in's short name for each of its private names (esbuild `mangleCache`). */
export const SCRIPT_NAMES: Readonly<Record<string, string>>;
/** `mangleProps` of the drop-in script. */
export const SCRIPT_MANGLE: RegExp;
/** Options the drop-in never passes, whose defaults its build writes alone. */
export const SCRIPT_DEFAULTED_OPTIONS: readonly string[];
/** How the drop-in build rewrites the sources: patterns and their replacements. */
export const SCRIPT_REWRITES: ReadonlyArray<readonly [RegExp, string]>;
