// Test support: just enough of a browser window for unit tests of the tracker's logic. Real
// browser behaviour is proven in browser.test.ts against Chromium.
import { decodeEventBatch, decodeEventQuery, type DecodedEvent } from '@tributary/schema/protocol';

/** A cookie the fake document holds, with the attributes the tag wrote. */
export interface FakeCookie {
  value: string;
  attributes: string;
}

export interface FakeWindow {
  window: Window & typeof globalThis;
  /** Every `document.cookie = …` assignment, verbatim. */
  cookieWrites: string[];
  cookies: Map<string, FakeCookie>;
  /** Events the fake images and fetches delivered, decoded. */
  events: DecodedEvent[];
  /** Image requests answer `error` while false. */
  online: boolean;
  /** Image requests never answer while true. */
  hang: boolean;
  beacons: string[];
  storage: Storage;
  fire(target: 'window' | 'document', type: string, init?: Record<string, unknown>): void;
  setUrl(url: string): void;
}

export function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (index: number) => [...map.keys()][index] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    clear: () => {
      map.clear();
    },
  };
}

export function createFakeWindow(url = 'https://shop.example.com/a?b=1'): FakeWindow {
  const listeners = {
    window: new Map<string, ((event: unknown) => void)[]>(),
    document: new Map<string, ((event: unknown) => void)[]>(),
  };
  const add =
    (map: Map<string, ((event: unknown) => void)[]>) =>
    (type: string, listener: (event: unknown) => void) => {
      map.set(type, [...(map.get(type) ?? []), listener]);
    };
  const location = new URL(url);
  const fake: FakeWindow = {
    window: undefined as unknown as Window & typeof globalThis,
    cookieWrites: [],
    cookies: new Map(),
    events: [],
    online: true,
    hang: false,
    beacons: [],
    storage: memoryStorage(),
    fire(target, type, init = {}) {
      for (const listener of listeners[target].get(type) ?? []) listener({ type, ...init });
    },
    setUrl(next) {
      location.href = new URL(next, location.href).href;
    },
  };
  const deliver = (query: string): void => {
    const decoded = decodeEventQuery(query);
    if (decoded.ok) fake.events.push(decoded.value);
  };
  class FakeImage {
    onload: ((event: { type: string }) => void) | null = null;
    onerror: ((event: { type: string }) => void) | null = null;
    set src(value: string) {
      if (fake.hang) return;
      setTimeout(() => {
        if (fake.online) deliver(value.slice(value.indexOf('?') + 1));
        (fake.online ? this.onload : this.onerror)?.({ type: fake.online ? 'load' : 'error' });
      }, 1);
    }
  }
  const document = {
    referrer: 'https://search.example/',
    visibilityState: 'visible',
    get cookie() {
      return [...fake.cookies].map(([name, cookie]) => `${name}=${cookie.value}`).join('; ');
    },
    set cookie(text: string) {
      fake.cookieWrites.push(text);
      const [pair, ...attributes] = text.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (/max-age=0(;|$)/.test(text)) fake.cookies.delete(name);
      else fake.cookies.set(name, { value, attributes: attributes.join(';') });
    },
    addEventListener: add(listeners.document),
  };
  const history = {
    pushState: (_state: unknown, _title: string, next: string) => {
      fake.setUrl(next);
    },
    replaceState: (_state: unknown, _title: string, next: string) => {
      fake.setUrl(next);
    },
  };
  fake.window = {
    document,
    location,
    history,
    screen: { availWidth: 1280, availHeight: 800 },
    devicePixelRatio: 1.5,
    innerWidth: 1200,
    innerHeight: 700,
    navigator: {
      sendBeacon: (_url: string, body: string) => {
        fake.beacons.push(body);
        const batch = decodeEventBatch(body);
        if (batch.ok)
          for (const event of batch.value.events) if (event.ok) fake.events.push(event.value);
        return true;
      },
      doNotTrack: null,
    },
    get localStorage() {
      return fake.storage;
    },
    Image: FakeImage,
    addEventListener: add(listeners.window),
    fetch: () => Promise.reject(new Error('no network in unit tests')),
  } as unknown as Window & typeof globalThis;
  return fake;
}
