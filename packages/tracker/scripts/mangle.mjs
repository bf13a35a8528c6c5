// The property names the builds shorten (esbuild `mangleProps`), as Preact does with its
// mangle.json: what the tag's own objects use internally, never a name a user or the DOM sees.

/**
 * Internal names, shortened in the published dist (ESM and CJS) and in the drop-in script: the
 * members of TrackerContext, the object the core hands to its features. Public option names,
 * public methods and properties, and DOM names are not in the list.
 */
export const INTERNAL_NAMES = [
  'tracker',
  'win',
  'eventUrl',
  'queue',
  'send',
  'pump',
  'request',
  'save',
];

/**
 * Inside the drop-in script the option names are private too: it builds its options itself.
 * Left out: `endpoint`, `partyCookie`, `sessionCookie`, `cookieDomain`, `partyTimeout` and
 * `sessionTimeout`, which are also data- attributes of the script tag, passed on as they are.
 */
export const SCRIPT_OPTION_NAMES = [
  // TrackerOptions
  'features',
  'cookieless',
  'eventTimeout',
  'randomBytes',
  'window',
  'now',
  // reliableDelivery
  'batchEndpoint',
  'maxQueue',
  'maxBatch',
  'storageKey',
  'retryDelay',
  'maxRetryDelay',
  'storage',
  // createConsent
  'respectDoNotTrack',
  'respectGlobalPrivacyControl',
  'initial',
  'pending',
  // trackNavigation, trackOutboundLinks
  'hash',
  'eventType',
  'timeout',
];

/**
 * Options the drop-in script never passes (it builds its options itself, and these names are not
 * `data-` attributes): in the drop-in their defaults are the only values, so its build writes
 * `options.<name> ?? <default>` as the default alone (scripts/bundle.mjs). Every other option keeps
 * its `??`.
 */
export const SCRIPT_DEFAULTED_OPTIONS = [
  'window',
  'now',
  'randomBytes',
  'eventTimeout',
  'maxQueue',
  'maxBatch',
  'storageKey',
  'retryDelay',
  'maxRetryDelay',
  'storage',
  'fetch',
  'initial',
  'eventType',
  'timeout',
];

/**
 * How the drop-in build rewrites the tracker's sources (scripts/bundle.mjs), each a pattern and its
 * replacement, all of them facts of the drop-in's own start-up (src/script.ts):
 * - `options.<name> ?? <default>` of SCRIPT_DEFAULTED_OPTIONS is the default alone;
 * - `options: XxxOptions = {}`: the script always passes an options object;
 * - `options.endpoint ?? '/csc-event'` and `options.features?.`: the script always passes both;
 * - the tracker's window is the page's own (`window` is not an option of the drop-in), so
 *   `w.fetch.bind(w)` is `fetch`, consent's `(context?.win ?? globalThis).localStorage` is
 *   `localStorage` (its `storage()?.` calls are `localStorage?.`), and `w.document`,
 *   `w.location`… (`w` is always the tracker's window) are the globals `document`, `location`…
 *   (`tracker.win.navigator` is `navigator`); so the context needs no `win` (`win: w,` goes from
 *   the context and from the features' destructuring, `const w = window;` from the tracker);
 * - the clock is `Date.now` (`now()` is `Date['now']()`, quoted since `now` is a shortened name,
 *   and the `const now` goes), whose milliseconds are whole: the ids' `(last - (last % 1))`,
 *   which truncates an injected clock's fractions, is `last`;
 * - consent is installed into its tracker before the script hands it to the page, so consent's
 *   `context && ` test (for a `grant()` before installation) always passes.
 * They apply to the tracker's and the features' sources, not to src/script.ts (whose `w.tributary`
 * must stay a property read: a global of that name may not exist).
 */
export const SCRIPT_REWRITES = [
  [
    new RegExp(
      String.raw`\boptions\.(` + SCRIPT_DEFAULTED_OPTIONS.join('|') + String.raw`)\s*\?\?\s*`,
      'g',
    ),
    '',
  ],
  [/\b(options: \w+) = \{\}/g, '$1'],
  [/\b(options\.endpoint) \?\? '\/csc-event'/g, '$1'],
  [/\b(options\.features)\?\./g, '$1.'],
  [/\bw\.fetch\.bind\(w\)/g, 'fetch'],
  [/\(context\?\.win \?\? globalThis\)\.localStorage/g, 'localStorage'],
  [/\bw\.(?=\w)/g, ''],
  [/\btracker\.win\.(?=\w)/g, ''],
  [/\bwin: w,\s*/g, ''],
  [/\bconst w = window;/g, ''],
  [/\bstorage\(\)\?\./g, 'localStorage?.'],
  [/\(last - \(last % 1\)\)/g, 'last'],
  [/\bconst now = Date\['now'\];/g, ''],
  [/\bnow\(\)/g, "Date['now']()"],
  [/\bcontext && (?=state != 'pending')/g, ''],
];

/**
 * The drop-in's short name for each of its private names (esbuild `mangleCache`), chosen by
 * measurement: esbuild names by frequency, but which letter gzip matches best depends on the
 * letters around it. A greedy search (each name tried with every lowercase letter, swapping with
 * the name that held it) found these, 9 B under esbuild's own choice by `gzip -9 -c` (with
 * terser's names in NAME_ORDER, scripts/bundle.mjs). A name
 * missing here gets esbuild's choice. They stay distinct, as the objects share some names.
 */
export const SCRIPT_NAMES = {
  batchEndpoint: 'c',
  cookieless: 'p',
  eventUrl: 'a',
  features: 'u',
  hash: 's',
  pending: 'd',
  pump: 'f',
  queue: 'y',
  request: 'o',
  respectDoNotTrack: 'r',
  respectGlobalPrivacyControl: 'l',
  save: 'n',
  send: 'e',
  tracker: 't',
};

const pattern = (names) => new RegExp('^(' + names.join('|') + ')$');

/** `mangleProps` of the published dist. */
export const DIST_MANGLE = pattern(INTERNAL_NAMES);

/** `mangleProps` of the drop-in script. */
export const SCRIPT_MANGLE = pattern([...INTERNAL_NAMES, ...SCRIPT_OPTION_NAMES]);
