// Runs the Express service: its own API on /api, the collector on /analytics/.
import { createApp } from './app';

const port = Number(process.env.PORT ?? 3000);
const { app, collector } = createApp({
  trustedProxies: Number(process.env.TRUSTED_PROXIES ?? 0),
  onRecord: (record) => {
    console.log(JSON.stringify(record));
  },
});
const server = app.listen(port, () => {
  console.log(
    `API on http://localhost:${port}/api/products, events on http://localhost:${port}/analytics/csc-event`,
  );
});
process.on('SIGTERM', () => {
  void collector.close().then(() => server.close());
});
