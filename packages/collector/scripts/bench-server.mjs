// One benchmark server in its own process, so the load generator does not share its event loop.
// `baseline` answers the pixel GIF from a bare node:http handler; `decode` does the same and then
// decodes the queries with @tributary/schema, after the answers of each event-loop turn as the
// collector does (the floor any collector built on it pays); `collector`
// runs the built collector's node:http adapter with a no-op consumer. Plain JS on the built packages: no loader,
// no transform, what users run. The parent asks for CPU time and RSS over IPC.
import { createServer } from 'node:http';
import { SENTINEL_ETAG, TRANSPARENT_GIF_HEX, decodeEventQuery } from '@tributary/schema/protocol';
import { createCollector } from '../dist/index.js';

const kind = process.argv[2];
const gif = Buffer.from(TRANSPARENT_GIF_HEX, 'hex');
const gifHeaders = {
  'content-type': 'image/gif',
  'content-length': String(gif.length),
  etag: SENTINEL_ETAG,
  'cache-control': 'private, no-cache, proxy-revalidate',
  pragma: 'no-cache',
  expires: 'Fri, 14 Apr 1995 11:30:00 GMT',
};

const bare = (_request, response) => {
  response.writeHead(200, gifHeaders);
  response.end(gif);
};
// Answered queries, decoded together once node:http has handled the requests of this turn of the
// event loop: the collector's order, so this server is the floor under it.
let answered = [];
const decodeAnswered = () => {
  const queries = answered;
  answered = [];
  for (const query of queries) decodeEventQuery(query);
};
const decodeAfterAnswer = (request, response) => {
  bare(request, response);
  const url = request.url ?? '';
  if (answered.push(url.slice(url.indexOf('?') + 1)) === 1) setImmediate(decodeAnswered);
};
const handler =
  kind === 'baseline'
    ? bare
    : kind === 'decode'
      ? decodeAfterAnswer
      : createCollector({ onEvent: () => undefined }).node;

const server = createServer({ keepAliveTimeout: 60_000 }, handler);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
