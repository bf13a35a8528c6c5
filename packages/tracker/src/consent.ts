import type { QueueItem, TrackerContext, TrackerFeature } from './tracker';

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
  const held: QueueItem[] = [];
  let context: TrackerContext | undefined;
  let send: TrackerContext['send'];
  let save: TrackerContext['save'];
  const storage = (): ConsentOptions['storage'] =>
    options.storage ?? (context?.win ?? globalThis).localStorage;
  // An opt-out stays until `optIn`: only `force` changes it.
  const set = (state: ConsentState, force?: boolean): void => {
    if (force || consent.state != 'optedOut') {
      (consent as { state: ConsentState }).state = state;
      if (context && state != 'pending') {
        // Granted: the cookies are written and held events go out. Denied: the cookies are
        // deleted and held events dropped.
        save(state != 'granted');
        held.splice(0).map(context.send);
      }
    }
  };
  // While not granted no cookie is written and an event is held (pending, unless `drop`) or dropped.
  const consent: Consent = Object.assign(
    (tracker: TrackerContext) => {
      context = tracker;
      ({ send, save } = tracker);
      // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- the value is unused
      tracker.save = (remove) => consent.state == 'granted' && save(remove);
      tracker.send = (item) => {
        if (consent.state == 'granted') send(item);
        else if (consent.state == 'pending' && options.pending != 'drop') held.push(item);
        else item[1]?.();
      };
      let optedOut: string | null | undefined;
      try {
        optedOut = storage()?.getItem(key);
      } catch {
        // Storage disabled: no opt-out can have been stored.
      }
      set(
        optedOut ||
          (options.respectDoNotTrack && tracker.win.navigator.doNotTrack == '1') ||
          (options.respectGlobalPrivacyControl &&
            (tracker.win.navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl)
          ? 'optedOut'
          : consent.state,
        true,
      );
    },
    {
      state: options.initial ?? 'pending',
      grant() {
        set('granted');
      },
      deny() {
        set('denied');
      },
      optOut() {
        storage()?.setItem(key, '1');
        set('optedOut');
      },
      optIn(granted?: boolean) {
        storage()?.removeItem(key);
        set(granted ? 'granted' : 'pending', true);
      },
    },
  );
  return consent;
}
