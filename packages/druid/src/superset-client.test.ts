// The client against a stand-in Superset over real HTTP: what it sends (login, the cookie the
// CSRF token is bound to, three imports in order) and each class of failure. The real Superset
// is in superset.real.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tributaryEventRecord } from '@tributary/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupersetBundle, importSupersetBundle } from './index';
import type { DruidError } from './index';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else
      server.close(() => {
        resolve();
      });
  });
  server = undefined;
});

async function fakeSuperset(
  answer: (request: Seen) => { status: number; body: unknown; cookie?: string } | undefined,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(entry);
      const reply = answer(entry) ?? { status: 404, body: { message: 'Not found' } };
      if (reply.cookie !== undefined) response.setHeader('Set-Cookie', reply.cookie);
      response.writeHead(reply.status, { 'Content-Type': 'application/json' });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const bundle = createSupersetBundle({ schema: tributaryEventRecord, dataSource: 'clicks' });

function happy(request: Seen): { status: number; body: unknown; cookie?: string } | undefined {
  if (request.path === '/api/v1/security/login') {
    return { status: 200, body: { access_token: 'token-1' } };
  }
  if (request.path === '/api/v1/security/csrf_token/') {
    return { status: 200, body: { result: 'csrf-1' }, cookie: 'session=abc; HttpOnly; Path=/' };
  }
  if (request.path.endsWith('/import/')) return { status: 200, body: { message: 'OK' } };
  if (request.path === `/api/v1/dashboard/${bundle.slug}`) {
    return { status: 200, body: { result: { id: 7, url: `/superset/dashboard/${bundle.slug}/` } } };
  }
  return undefined;
}

describe('importSupersetBundle', () => {
  it('logs in, imports dataset, charts and dashboard with the CSRF cookie, gives the URL', async () => {
    const { url, seen } = await fakeSuperset(happy);
    const imported = await importSupersetBundle({
      url: `${url}/`,
      username: 'admin',
      password: 'secret',
      bundle,
      passwords: { 'databases/Druid.yaml': 'pw' },
    });
    expect(imported).toEqual({ id: 7, url: `${url}/superset/dashboard/${bundle.slug}/` });
    expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v1/security/login',
      'GET /api/v1/security/csrf_token/',
      'POST /api/v1/dataset/import/',
      'POST /api/v1/chart/import/',
      'POST /api/v1/dashboard/import/',
      `GET /api/v1/dashboard/${bundle.slug}`,
    ]);
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({
      username: 'admin',
      password: 'secret',
      provider: 'db',
      refresh: false,
    });
    for (const [index, type] of ['SqlaTable', 'Slice', 'Dashboard'].entries()) {
      const request = seen[2 + index]!;
      expect(request.headers.authorization).toBe('Bearer token-1');
      expect(request.headers['x-csrftoken']).toBe('csrf-1');
      expect(request.headers.cookie).toBe('session=abc');
      const multipart = new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type']! },
        body: request.body,
      });
      // A test-side reader for one small body; the server that matters is the real Superset.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      const form = await multipart.formData();
      expect(form.get('overwrite')).toBe('true');
      expect(JSON.parse(form.get('passwords') as string)).toEqual({
        [`${bundle.root}/databases/Druid.yaml`]: 'pw',
      });
      const zip = new Uint8Array(await (form.get('formData') as Blob).arrayBuffer());
      expect(zip).toEqual(bundle.zip(type as 'SqlaTable' | 'Slice' | 'Dashboard'));
    }
  });

  it('reports a refused login as http 401 and stops there', async () => {
    const { url, seen } = await fakeSuperset((request) =>
      request.path === '/api/v1/security/login'
        ? { status: 401, body: { message: 'Not authorized' } }
        : undefined,
    );
    await expect(
      importSupersetBundle({ url, username: 'admin', password: 'wrong', bundle }),
    ).rejects.toMatchObject({
      name: 'DruidError',
      code: 'http',
      status: 401,
      message: expect.stringContaining('Not authorized') as string,
    } satisfies Partial<DruidError>);
    expect(seen).toHaveLength(1);
  });

  it('reports a refused bundle with Superset’s per-file message', async () => {
    const { url } = await fakeSuperset((request) =>
      request.path === '/api/v1/chart/import/'
        ? {
            status: 422,
            body: {
              errors: [
                {
                  message: 'Error importing chart',
                  extra: { 'charts/x.yaml': { viz_type: ['Missing data'] } },
                },
              ],
            },
          }
        : happy(request),
    );
    await expect(
      importSupersetBundle({ url, username: 'admin', password: 'secret', bundle }),
    ).rejects.toMatchObject({
      code: 'http',
      status: 422,
      message: expect.stringMatching(
        /chart import with 422: Error importing chart.*viz_type/,
      ) as string,
    });
  });

  it('reports an answer that is not Superset’s as http, HTML error pages quoted', async () => {
    const { url } = await fakeSuperset((request) =>
      request.path === '/api/v1/security/login'
        ? { status: 200, body: { nothing: true } }
        : undefined,
    );
    await expect(
      importSupersetBundle({ url, username: 'a', password: 'b', bundle }),
    ).rejects.toMatchObject({
      code: 'http',
      message: expect.stringContaining('access_token') as string,
    });
    await new Promise((resolve) => server?.close(resolve));
    const html = await fakeSuperset(() => ({ status: 502, body: '<html>Bad gateway</html>' }));
    await expect(
      importSupersetBundle({ url: html.url, username: 'a', password: 'b', bundle }),
    ).rejects.toMatchObject({
      code: 'http',
      status: 502,
      message: expect.stringContaining('Bad gateway') as string,
    });
  });

  it('sends a call again once when the connection closes before an answer, if it is repeatable', async () => {
    const closed = new Set<string>();
    const attempts: string[] = [];
    server = createServer((request, response) => {
      const key = `${request.method} ${request.url}`;
      attempts.push(key);
      // The first CSRF request and every chart import meet a connection closed without an answer.
      if (
        (request.url === '/api/v1/security/csrf_token/' && !closed.has(key)) ||
        request.url === '/api/v1/chart/import/'
      ) {
        closed.add(key);
        request.socket.destroy();
        return;
      }
      const reply = happy({
        method: request.method!,
        path: request.url!,
        headers: {},
        body: Buffer.alloc(0),
      });
      request.resume();
      request.on('end', () => {
        if (reply?.cookie !== undefined) response.setHeader('Set-Cookie', reply.cookie);
        response.writeHead(reply?.status ?? 404, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(reply?.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // With overwrite the chart import is repeated once, then reported.
    await expect(
      importSupersetBundle({ url, username: 'a', password: 'b', bundle }),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining('chart import') as string,
    });
    expect(attempts.filter((key) => key === 'GET /api/v1/security/csrf_token/')).toHaveLength(2);
    expect(attempts.filter((key) => key === 'POST /api/v1/chart/import/')).toHaveLength(2);
    // Without overwrite an import is not repeated: it may have been applied.
    attempts.length = 0;
    await expect(
      importSupersetBundle({ url, username: 'a', password: 'b', bundle, overwrite: false }),
    ).rejects.toMatchObject({ code: 'unreachable' });
    expect(attempts.filter((key) => key === 'POST /api/v1/chart/import/')).toHaveLength(1);
    server.closeAllConnections();
  });

  it('reports a Superset that does not listen as unreachable, one that stalls as timeout', async () => {
    const { url } = await fakeSuperset(happy);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    await expect(
      importSupersetBundle({ url, username: 'a', password: 'b', bundle }),
    ).rejects.toMatchObject({ name: 'DruidError', code: 'unreachable' });
    server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const stalled = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(
      importSupersetBundle({ url: stalled, username: 'a', password: 'b', bundle, timeoutMs: 200 }),
    ).rejects.toMatchObject({ name: 'DruidError', code: 'timeout' });
    server.closeAllConnections();
  });
});
