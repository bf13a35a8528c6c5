import type { BrowserSourceSettings } from '../config/divolte-settings';

/**
 * The tag a browser source serves at `<prefix><javascript.name>`: Tributary's drop-in script,
 * configured from the source's settings as divolte.js is configured from Divolte's. The drop-in
 * script reads its settings from its own tag's `data-` attributes; a page includes divolte.js
 * with none, so a prelude sets them on `document.currentScript` (keeping any the page set) before
 * the script runs: `window.divolte`, the cookies and their timeouts, the event URL next to the
 * script, and the automatic page view.
 */
export function createTagScript(source: BrowserSourceSettings, tracker: Uint8Array): Uint8Array {
  const data: Record<string, string> = {
    divolte: 'true',
    partyCookie: source.partyCookie,
    sessionCookie: source.sessionCookie,
    partyTimeout: String(source.partyTimeoutSeconds),
    sessionTimeout: String(source.sessionTimeoutSeconds),
    autoPageView: String(source.javascript.autoPageViewEvent),
    ...(source.cookieDomain === undefined ? {} : { cookieDomain: source.cookieDomain }),
  };
  const prelude =
    `(function(s){if(!s)return;var d=s.dataset,o=${JSON.stringify(data)};` +
    'for(var k in o)if(d[k]==null)d[k]=o[k];' +
    // The event URL: the script's own directory plus event_suffix, as divolte.js computes it.
    `if(d.endpoint==null)d.endpoint=s.src.split("#")[0].replace(/[^/?]*(\\?.*)?$/,"")+${JSON.stringify(source.eventSuffix)};` +
    '})(document.currentScript);\n';
  // javascript.logging: divolte.js logs what it sends to the console; here each signal is logged.
  // The leading ';' keeps the tag's last expression from being called with this one (ASI).
  const logging = source.javascript.logging
    ? '\n;(function(w){var t=w.divolte;if(!t||!t.signal||!w.console)return;var f=t.signal;' +
      't.signal=function(){w.console.log("[divolte] signal",arguments[0],arguments[1]);return f.apply(this,arguments)};' +
      '})(window);\n'
    : '';
  const encoder = new TextEncoder();
  const head = encoder.encode(prelude);
  const tail = encoder.encode(logging);
  const bytes = new Uint8Array(head.length + tracker.length + tail.length);
  bytes.set(head, 0);
  bytes.set(tracker, head.length);
  bytes.set(tail, head.length + tracker.length);
  return bytes;
}
