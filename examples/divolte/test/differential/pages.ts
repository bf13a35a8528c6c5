// The test shop Chromium visits through the tee: pages that load divolte.js from the tee (so the
// real Divolte's own tag, its bytes fetched from Divolte) and send page views and custom events.
import type { Browser } from 'playwright-core';
import type { Tee } from './tee';

const page = (title: string, body: string): string => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script src="/divolte.js" defer></script></head>
<body>${body}</body></html>`;

/** The pages the tee serves itself. */
export const pages: ReadonlyMap<string, { contentType: string; body: string }> = new Map([
  [
    '/shop/index.html',
    {
      contentType: 'text/html; charset=utf-8',
      body: page(
        'shop',
        `<button id="basket" onclick="divolte.signal('basket', {foo: 'hello', bar: 42, items: [{name: 'apple', count: 3, price: 1.25}]})">basket</button>
<button id="search" onclick="divolte.signal('zoekopdracht', {foo: 'crème brûlée', bar: 'Ωmega', items: [], when: new Date(0), n: -0.5})">search</button>
<a id="next" href="/shop/product.html?sku=PADDLE-2&amp;ref=home#reviews">next</a>`,
      ),
    },
  ],
  [
    '/shop/product.html',
    {
      contentType: 'text/html; charset=utf-8',
      body: page(
        'product',
        `<button id="cart" onclick="divolte.signal('addToCart', {sku: 'PADDLE-2', price: 79.5, quantity: 1, tags: ['wood', 'ash']})">add</button>
<button id="bare" onclick="divolte.signal('bare')">bare</button>`,
      ),
    },
  ],
]);

/** The events {@link browserVisits} makes divolte.js send. */
export const BROWSER_EVENTS = 9;

/**
 * Visits: a new party's landing page with two custom events, a second page in the same session
 * with two more, a new session of the same party, and a second party.
 */
export async function browserVisits(browser: Browser, tee: Tee): Promise<void> {
  const sent = (): number =>
    tee.exchanges.filter((e) => e.label === 'chromium' && e.path.startsWith('/csc-event')).length;
  // divolte.js sends one event at a time; waiting for each keeps the order the test means.
  const settle = async (count: number): Promise<void> => {
    for (let i = 0; i < 400 && sent() < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const first = await browser.newContext();
  const tab = await first.newPage();
  await tab.goto(`${tee.url}shop/index.html?q=kayak&utm_source=newsletter#top`);
  await settle(1);
  await tab.click('#basket');
  await settle(2);
  await tab.click('#search');
  await settle(3);
  await tab.click('#next');
  await tab.waitForURL('**/shop/product.html**');
  await settle(4);
  await tab.click('#cart');
  await settle(5);
  await tab.click('#bare');
  await settle(6);
  // A new session of the same party: the session cookie is gone, the party cookie stays.
  await first.clearCookies({ name: '_dvs' });
  await tab.goto(`${tee.url}shop/index.html`);
  await settle(7);
  await tab.goto(`${tee.url}shop/product.html`);
  await settle(8);
  await first.close();
  const second = await browser.newContext();
  const other = await second.newPage();
  await other.goto(`${tee.url}shop/product.html?from=elsewhere`);
  await settle(9);
  await second.close();
}
