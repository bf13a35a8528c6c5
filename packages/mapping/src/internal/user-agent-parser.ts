import UAParser from 'ua-parser-js';
import { LruCache } from './lru';

/**
 * One parsed user agent: ua-parser-js's fields, plus Divolte's uadetector-named fields derived
 * from them (see docs/mapping.md for how they are derived).
 */
export interface UserAgentDetails {
  readonly browserName: string | undefined;
  readonly browserVersion: string | undefined;
  readonly browserMajor: string | undefined;
  readonly engineName: string | undefined;
  readonly engineVersion: string | undefined;
  readonly osName: string | undefined;
  readonly osVersion: string | undefined;
  readonly deviceType: string | undefined;
  readonly deviceVendor: string | undefined;
  readonly deviceModel: string | undefined;
  readonly cpuArchitecture: string | undefined;
  /** Divolte `name()`: the browser name, `unknown` when none is recognised. */
  readonly name: string;
  /** Divolte `family()`: the browser family (its name without a Mobile/WebView qualifier). */
  readonly family: string;
  /** Divolte `vendor()`: who makes the browser, `""` when unknown. */
  readonly vendor: string;
  /** Divolte `type()`: Browser, Mobile Browser, Robot, Library or unknown. */
  readonly type: string;
  /** Divolte `version()`: the browser version, `""` when unknown. */
  readonly version: string;
  /** Divolte `deviceCategory()`: Personal computer, Smartphone, Tablet, Smart TV, Game console, Other or unknown. */
  readonly deviceCategory: string;
  /** Divolte `osFamily()`: e.g. OS X, Windows, iOS, Android, Linux, or unknown. */
  readonly osFamily: string;
  /** Divolte `osVersion()`: the OS version, `""` when unknown. */
  readonly osVersionNumber: string;
  /** Divolte `osVendor()`: who makes the OS, `""` when unknown. */
  readonly osVendor: string;
}

// Robots, crawlers, monitors and HTTP libraries that ua-parser-js 1.x does not classify.
const ROBOT =
  /bot\b|bot\/|crawl|spider|slurp|mediapartners|facebookexternalhit|embedly|quora link preview|pinterest|bingpreview|headlesschrome|lighthouse|pingdom|uptimerobot|statuscake|monitor/i;
const LIBRARY =
  /^(?:curl|wget|python-requests|python-urllib|java\/|okhttp|go-http-client|node-fetch|axios|undici|libwww-perl|apache-httpclient|ruby|php\/)/i;

const BROWSER_VENDORS: Record<string, string> = {
  Chrome: 'Google Inc.',
  'Chrome Headless': 'Google Inc.',
  'Chrome WebView': 'Google Inc.',
  'Mobile Chrome': 'Google Inc.',
  Chromium: 'Google Inc.',
  Firefox: 'Mozilla Foundation',
  'Mobile Firefox': 'Mozilla Foundation',
  Safari: 'Apple Inc.',
  'Mobile Safari': 'Apple Inc.',
  Edge: 'Microsoft Corporation',
  IE: 'Microsoft Corporation',
  IEMobile: 'Microsoft Corporation',
  Opera: 'Opera Software ASA',
  'Opera Mini': 'Opera Software ASA',
  'Opera Mobi': 'Opera Software ASA',
  'Samsung Browser': 'Samsung',
  Yandex: 'Yandex',
  Vivaldi: 'Vivaldi Technologies',
  Brave: 'Brave Software',
  UCBrowser: 'UCWeb Inc.',
};

const OS_FAMILIES: Record<string, string> = {
  'Mac OS': 'OS X',
  macOS: 'OS X',
  iOS: 'iOS',
  Windows: 'Windows',
  'Windows Phone': 'Windows',
  'Windows Mobile': 'Windows',
  Android: 'Android',
  'Chromium OS': 'Chrome OS',
  'Chrome OS': 'Chrome OS',
  Linux: 'Linux',
  Ubuntu: 'Linux',
  Debian: 'Linux',
  Fedora: 'Linux',
  'Linux Mint': 'Linux',
  CentOS: 'Linux',
  'Red Hat': 'Linux',
  SUSE: 'Linux',
  Arch: 'Linux',
  Gentoo: 'Linux',
  FreeBSD: 'BSD',
  OpenBSD: 'BSD',
  NetBSD: 'BSD',
  BlackBerry: 'BlackBerry OS',
  Symbian: 'Symbian OS',
};

const OS_VENDORS: Record<string, string> = {
  'OS X': 'Apple Computer, Inc.',
  iOS: 'Apple Computer, Inc.',
  Windows: 'Microsoft Corporation.',
  Android: 'Google, Inc.',
  'Chrome OS': 'Google, Inc.',
  'BlackBerry OS': 'Research In Motion Limited',
};

const DEVICE_CATEGORIES: Record<string, string> = {
  mobile: 'Smartphone',
  tablet: 'Tablet',
  smarttv: 'Smart TV',
  console: 'Game console',
  wearable: 'Other',
  embedded: 'Other',
};

function describe(result: UAParser.IResult): UserAgentDetails {
  const { browser, engine, os, device, cpu } = result;
  const robot = ROBOT.test(result.ua);
  const library = !robot && LIBRARY.test(result.ua);
  const name = browser.name ?? 'unknown';
  const family =
    browser.name?.replace(/^Mobile /, '').replace(/ (?:WebView|Headless)$/, '') ?? 'unknown';
  const osFamily = os.name === undefined ? 'unknown' : (OS_FAMILIES[os.name] ?? os.name);
  const type = robot
    ? 'Robot'
    : library
      ? 'Library'
      : browser.name === undefined
        ? 'unknown'
        : device.type === 'mobile' || device.type === 'tablet' || device.type === 'wearable'
          ? 'Mobile Browser'
          : 'Browser';
  const deviceCategory =
    device.type !== undefined
      ? (DEVICE_CATEGORIES[device.type] ?? 'Other')
      : robot || library
        ? 'Other'
        : browser.name !== undefined || os.name !== undefined
          ? 'Personal computer'
          : 'unknown';
  return {
    browserName: browser.name,
    browserVersion: browser.version,
    browserMajor: browser.version?.split('.')[0],
    engineName: engine.name,
    engineVersion: engine.version,
    osName: os.name,
    osVersion: os.version,
    deviceType: device.type,
    deviceVendor: device.vendor,
    deviceModel: device.model,
    cpuArchitecture: cpu.architecture,
    name,
    family,
    vendor: (browser.name === undefined ? undefined : BROWSER_VENDORS[browser.name]) ?? '',
    type,
    version: browser.version ?? '',
    deviceCategory,
    osFamily,
    osVersionNumber: os.version ?? '',
    osVendor: OS_VENDORS[osFamily] ?? '',
  };
}

/** Parses user-agent strings through an LRU cache. */
export type UserAgentParser = (userAgent: string) => UserAgentDetails;

/** A ua-parser-js 1.x parser behind an LRU cache of `cacheSize` strings. */
export function createUserAgentParser(cacheSize: number): UserAgentParser {
  const parser = new UAParser();
  const cache = new LruCache<UserAgentDetails>(cacheSize);
  return (userAgent) => {
    const cached = cache.get(userAgent);
    if (cached !== undefined) return cached;
    const details = describe(parser.setUA(userAgent).getResult());
    cache.set(userAgent, details);
    return details;
  };
}
