import type { Committed, TrackerFeature } from './tracker';

/** Where consent stands. `optedOut` is `denied` that persists across page loads. */
export type ConsentState = 'pending' | 'granted' | 'denied' | 'optedOut';

/** Options of {@link createConsent}. */
export interface ConsentOptions {
  /**
   * What happens to events while consent is pending: `queue` holds them in memory (no cookies are
   * written) and sends them on `grant()`; `drop` discards them.
   * @default 'queue'
   */
  pending?: 'queue' | 'drop' | undefined;
  /**
   * The state to start in, when the page already knows the visitor's choice.
   * @default 'pending'
   */
  initial?: 'pending' | 'granted' | 'denied' | undefined;
  /**
   * Treat `navigator.doNotTrack == '1'` as a denial.
   * @default false
   */
  respectDoNotTrack?: boolean | undefined;
  /**
   * Treat `navigator.globalPrivacyControl` as a denial.
   * @default false
   */
  respectGlobalPrivacyControl?: boolean | undefined;
  /**
   * Where the opt-out is remembered.
   * @default window.localStorage
   */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /**
   * The storage key of the opt-out.
   * @default '_dvo'
   */
  storageKey?: string | undefined;
}

/** Consent controls; also the {@link TrackerFeature} to pass to `createTracker`. */
export interface Consent extends TrackerFeature {
  /** Where consent stands now. */
  readonly state: ConsentState;
  /** Consent given: held events are sent, cookies are written from now on. */
  grant(): void;
  /** Consent refused for this page: held events are dropped, the cookies deleted. */
  deny(): void;
  /** A denial that is remembered (in `storage`) across page loads until `optIn()`. */
  optOut(): void;
  /** Forgets an opt-out; consent is pending again, or granted when `granted` is true. */
  optIn(granted?: boolean): void;
}

/**
 * Consent and privacy: gates delivery and cookies on the visitor's choice, honours a persisted
 * opt-out and, optionally, Do Not Track and Global Privacy Control.
 * @example
 * const consent = createConsent({ pending: 'queue', respectGlobalPrivacyControl: true });
 * const tracker = createTracker({ features: [consent] });
 * banner.onAccept = () => consent.grant();
 */
export function createConsent(options: ConsentOptions = {}): Consent {
  const key = options.storageKey ?? '_dvo';
  let state: ConsentState = options.initial ?? 'pending';
  let held: [string, Committed][] = [];
  let storage = options.storage;
  let release = (): void => undefined;
  let forget = release;
  const settle = (next: ConsentState): void => {
    state = next;
    if (next == 'granted') release();
    else if (next != 'pending') forget();
  };
  const consent = ((context) => {
    const { window: w, options: tracker } = context;
    const { send, save } = context;
    const nav = w.navigator as Navigator & { globalPrivacyControl?: boolean };
    storage ??= w.localStorage;
    if (
      storage.getItem(key) ||
      (options.respectDoNotTrack && nav.doNotTrack == '1') ||
      (options.respectGlobalPrivacyControl && nav.globalPrivacyControl)
    )
      state = 'optedOut';
    release = () => {
      save();
      for (const [query, done] of held) send(query, done);
      held = [];
    };
    forget = () => {
      for (const item of held) item[1]();
      held = [];
      context.setCookie(tracker.partyCookie ?? '_dvp', '', 0);
      context.setCookie(tracker.sessionCookie ?? '_dvs', '', 0);
    };
    context.save = () => {
      if (state == 'granted') save();
    };
    context.send = (query, done) => {
      if (state == 'granted') send(query, done);
      else if (state == 'pending' && options.pending != 'drop') held.push([query, done]);
      else done();
    };
    settle(state);
  }) as Consent;
  Object.defineProperty(consent, 'state', { get: () => state });
  consent.grant = () => {
    if (state != 'optedOut') settle('granted');
  };
  consent.deny = () => {
    if (state != 'optedOut') settle('denied');
  };
  consent.optOut = () => {
    storage?.setItem(key, '1');
    settle('optedOut');
  };
  consent.optIn = (granted) => {
    storage?.removeItem(key);
    settle(granted ? 'granted' : 'pending');
  };
  return consent;
}
