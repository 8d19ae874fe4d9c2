// A local HTTP(S) server for the object-store lister tests: each test answers the way S3, GCS or
// Azure Blob does (status, headers, body bytes) and sees every request. HTTPS uses the test CA the
// API-server tests use, so the SDK clients verify the certificate as they would a private MinIO's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { testCertificates } from '../../../test/kube-apiserver/certs.ts';

export interface SeenRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface StoreServer {
  readonly url: string;
  /** PEM of the CA that signed the server certificate (HTTPS servers only). */
  readonly caPem: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export async function startStoreServer(handle: Handler, { tls = false }: { tls?: boolean } = {}): Promise<StoreServer> {
  const requests: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://store.test');
      const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(parts).toString('utf8') };
      requests.push(seen);
      Promise.resolve(handle(seen, res)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`test server error: ${String(err)}`);
      });
    });
  };
  const certs = tls ? testCertificates() : undefined;
  const server = certs ? createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${certs ? 'https' : 'http'}://127.0.0.1:${port}`,
    caPem: certs?.caPem ?? '',
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with `body`, but announces `announcedBytes` and cuts the connection after the body. */
export function truncated(res: ServerResponse, body: Buffer, announcedBytes: number, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-length': String(announcedBytes), ...headers });
  res.write(body, () => {
    // Let the bytes leave before the socket is destroyed.
    setImmediate(() => res.socket?.destroy());
  });
}

/** A stored object of the fake stores. */
export interface StoredObject {
  readonly key: string;
  readonly body: Buffer;
  readonly modifiedAt: Date;
}

/** What a fake object store holds, and an optional fault that answers a request instead of it. */
export interface Fake {
  objects: StoredObject[];
  /** Answers a request instead of the store (faults); return true when it answered. */
  fault?: (req: SeenRequest, res: ServerResponse) => boolean;
}

/** Gives a fake store new contents and fault, and forgets the requests its server saw. */
export function resetFake(fake: Fake, server: StoreServer, objects: StoredObject[], fault?: Fake['fault']): void {
  fake.objects = objects;
  if (fault) fake.fault = fault;
  else delete fake.fault;
  server.requests.length = 0;
}

/** Escapes text for the XML listings S3 and Azure Blob answer with. */
export const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function object(key: string, body: string | Buffer, modifiedAt: string): StoredObject {
  return { key, body: typeof body === 'string' ? Buffer.from(body) : body, modifiedAt: new Date(modifiedAt) };
}

/** Reads a whole stream as UTF-8. */
export async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(parts).toString('utf8');
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}
