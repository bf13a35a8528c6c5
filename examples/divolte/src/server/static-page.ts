import type { DivolteSettings } from '../config/divolte-settings';

/**
 * Divolte's test page at `/` (`serve_static_resources`): a page that loads the first browser
 * source's tag, so opening the server in a browser sends a page view, and a button that signals
 * a custom event.
 */
export function staticPage(settings: DivolteSettings): string {
  const browser = settings.sources.find((source) => source.type === 'browser');
  const tag =
    browser?.type === 'browser'
      ? `<script src="${escapeHtml(browser.prefix + browser.javascript.name)}" defer async></script>`
      : '<!-- no browser source: no tag -->';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Divolte-compatible server</title>
${tag}
</head>
<body>
<h1>Divolte-compatible server</h1>
<p>This page loaded the tag, which sent a <code>pageView</code> event.</p>
<button type="button" onclick="window.divolte &amp;&amp; window.divolte.signal('buttonClick', { at: Date.now() })">Signal a custom event</button>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
