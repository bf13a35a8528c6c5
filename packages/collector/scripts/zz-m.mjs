import { encodeEventQuery } from '@tributary/schema/protocol';
import { createCollector } from '../dist/index.js';
const pageViewId = '0:AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const query = encodeEventQuery({
  partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
  sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
  pageViewId,
  eventId: pageViewId + '0',
  clientTimestamp: 1_414_499_908_146,
  newParty: false,
  firstInSession: true,
  location: 'https://shop.example/products/shoes?color=red&size=42#reviews',
  referrer: 'https://search.example/results?q=red+shoes',
  viewportWidth: 1280,
  viewportHeight: 720,
  screenWidth: 1920,
  screenHeight: 1080,
  devicePixelRatio: 2,
  eventType: 'pageView',
  parameters: { category: 'shoes', price: 89.5, tags: ['sale', 'new'] },
});
const headers = {
  'user-agent': [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  ],
  cookie: [
    '_dvp=0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG; _dvs=0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
  ],
  host: ['127.0.0.1:1234'],
  accept: ['*/*'],
  'accept-language': ['en-US'],
  referer: ['https://shop.example/'],
};
const request = {
  method: 'GET',
  url: '/csc-event?' + query,
  remoteAddress: '127.0.0.1',
  header: (n) => headers[n]?.[0],
  headerValues: (n) => headers[n],
  headers: () => headers,
  headerBytes: () => 300,
  readBody: () => {
    throw new Error();
  },
};
for (let r = 0; r < 4; r++) {
  const collector = createCollector({ onEvent: () => undefined });
  const n = 200000;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    collector.handle(request);
    if (i % 64 === 0) await Promise.resolve();
  }
  await collector.close();
  const c = process.cpuUsage(c0);
  console.log(((c.user + c.system) / n).toFixed(2), 'µs cpu per handle');
}
