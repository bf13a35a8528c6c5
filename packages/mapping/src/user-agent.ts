import type { UserAgentDetails } from './internal/user-agent-parser';
import { userAgentString } from './sources';
import { Value, derive } from './value';

export type { UserAgentDetails } from './internal/user-agent-parser';

type Part = keyof UserAgentDetails;

// One accessor per part, each its own function, so every part's read stays monomorphic.
const PARTS: { readonly [K in Part]: (details: UserAgentDetails) => UserAgentDetails[K] } = {
  browserName: (d) => d.browserName,
  browserVersion: (d) => d.browserVersion,
  browserMajor: (d) => d.browserMajor,
  engineName: (d) => d.engineName,
  engineVersion: (d) => d.engineVersion,
  osName: (d) => d.osName,
  osVersion: (d) => d.osVersion,
  deviceType: (d) => d.deviceType,
  deviceVendor: (d) => d.deviceVendor,
  deviceModel: (d) => d.deviceModel,
  cpuArchitecture: (d) => d.cpuArchitecture,
  name: (d) => d.name,
  family: (d) => d.family,
  vendor: (d) => d.vendor,
  type: (d) => d.type,
  version: (d) => d.version,
  deviceCategory: (d) => d.deviceCategory,
  osFamily: (d) => d.osFamily,
  osVersionNumber: (d) => d.osVersionNumber,
  osVendor: (d) => d.osVendor,
};

/**
 * A parsed user agent (ua-parser-js 1.x, LRU-cached). It cannot be mapped itself: map one of its
 * parts. Divolte's uadetector parts (`name()` … `osVendor()`) are derived from ua-parser-js as
 * described in docs/mapping.md; ua-parser-js's own parts (`browserName()` … `cpuArchitecture()`)
 * are absent when it does not know them.
 */
export class UserAgentValue extends Value<UserAgentDetails, 'userAgent'> {
  /** @internal */
  constructor(source: Value<string, 'string'>) {
    super(
      'userAgent',
      source.description === 'userAgentString()'
        ? 'userAgent()'
        : `userAgent(${source.description})`,
      (context) => {
        const input = Value.producer(source, context);
        const parse = context.userAgentParser;
        return (event) => {
          const text = input(event);
          return text === undefined ? undefined : parse(text);
        };
      },
      { memoize: true },
    );
  }

  #part(part: Part, name: string): Value<string, 'string'> {
    return derive(this, 'string', `.${name}()`, PARTS[part]);
  }

  /** Divolte `name()`: the browser name, e.g. `Chrome`; `unknown` when not recognised. */
  name = (): Value<string, 'string'> => this.#part('name', 'name');
  /** Divolte `family()`: e.g. `Chrome`, `Safari`, `Firefox`. */
  family = (): Value<string, 'string'> => this.#part('family', 'family');
  /** Divolte `vendor()`: e.g. `Google Inc.`; `""` when unknown. */
  vendor = (): Value<string, 'string'> => this.#part('vendor', 'vendor');
  /** Divolte `type()`: `Browser`, `Mobile Browser`, `Robot`, `Library` or `unknown`. */
  type = (): Value<string, 'string'> => this.#part('type', 'type');
  /** Divolte `version()`: the browser version; `""` when unknown. */
  version = (): Value<string, 'string'> => this.#part('version', 'version');
  /** Divolte `deviceCategory()`: `Personal computer`, `Smartphone`, `Tablet`, `Smart TV`, `Game console`, `Other` or `unknown`. */
  deviceCategory = (): Value<string, 'string'> => this.#part('deviceCategory', 'deviceCategory');
  /** Divolte `osFamily()`: e.g. `OS X`, `Windows`, `iOS`, `Android`, `Linux`; `unknown` when not recognised. */
  osFamily = (): Value<string, 'string'> => this.#part('osFamily', 'osFamily');
  /** Divolte `osVersion()`: e.g. `10.10.1`; `""` when unknown. */
  osVersion = (): Value<string, 'string'> => this.#part('osVersionNumber', 'osVersion');
  /** Divolte `osVendor()`: e.g. `Apple Computer, Inc.`; `""` when unknown. */
  osVendor = (): Value<string, 'string'> => this.#part('osVendor', 'osVendor');
  /** ua-parser-js browser name, e.g. `Mobile Safari`. */
  browserName = (): Value<string, 'string'> => this.#part('browserName', 'browserName');
  /** ua-parser-js browser version. */
  browserVersion = (): Value<string, 'string'> => this.#part('browserVersion', 'browserVersion');
  /** ua-parser-js browser major version. */
  browserMajor = (): Value<string, 'string'> => this.#part('browserMajor', 'browserMajor');
  /** ua-parser-js engine name, e.g. `Blink`. */
  engineName = (): Value<string, 'string'> => this.#part('engineName', 'engineName');
  /** ua-parser-js engine version. */
  engineVersion = (): Value<string, 'string'> => this.#part('engineVersion', 'engineVersion');
  /** ua-parser-js OS name, e.g. `Mac OS`. */
  osName = (): Value<string, 'string'> => this.#part('osName', 'osName');
  /** ua-parser-js OS version as reported (same text as `osVersion()` when known). */
  osVersionName = (): Value<string, 'string'> => this.#part('osVersion', 'osVersionName');
  /** ua-parser-js device type: `mobile`, `tablet`, `console`, `smarttv`, `wearable`, `embedded`; absent for desktops. */
  deviceType = (): Value<string, 'string'> => this.#part('deviceType', 'deviceType');
  /** ua-parser-js device vendor, e.g. `Apple`. */
  deviceVendor = (): Value<string, 'string'> => this.#part('deviceVendor', 'deviceVendor');
  /** ua-parser-js device model, e.g. `iPhone`. */
  deviceModel = (): Value<string, 'string'> => this.#part('deviceModel', 'deviceModel');
  /** ua-parser-js CPU architecture, e.g. `amd64`. */
  cpuArchitecture = (): Value<string, 'string'> => this.#part('cpuArchitecture', 'cpuArchitecture');
}

/**
 * The parsed `User-Agent` header, or any other string value (`userAgent(header('X-UA').first())`).
 * Parsing is cached (LRU, `userAgentCacheSize` strings) and done once per event however many parts
 * are mapped.
 * @example
 * map(userAgent().family()).onto('userAgentFamily');
 */
export function userAgent(source: Value<string, 'string'> = userAgentString()): UserAgentValue {
  return new UserAgentValue(source);
}
