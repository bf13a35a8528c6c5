import { autoPageViews, createTracker, trackNavigation } from '@tributary/tracker';
import type { AppEvents } from './events';

// Only the types of the contract reach the bundle: zod stays on the server.
const tracker = createTracker<AppEvents>({
  endpoint: import.meta.env.VITE_TRIBUTARY_ENDPOINT ?? '/csc-event',
  // A page view on load (deferred while prerendered or hidden, again on bfcache restore), and
  // one per client-side navigation.
  features: [autoPageViews(), trackNavigation()],
});

const views: Record<string, string> = {
  '/': 'Welcome.',
  '/pricing': 'Starter €9, Team €29.',
  '/signup': 'Tell us about yourself.',
};

function render(): void {
  document.getElementById('view')!.textContent = views[location.pathname] ?? 'Not found.';
  if (location.pathname === '/pricing') tracker.signal('pricingViewed', { currency: 'EUR' });
}

for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    history.pushState(null, '', link.pathname);
    render();
  });
}
addEventListener('popstate', render);
document.getElementById('trial')!.addEventListener('click', () => {
  tracker.signal('trialStarted', { plan: 'team', seats: 3 });
  // tracker.signal('trialStarted', { plan: 'enterprise' }) would not compile.
});
render();
