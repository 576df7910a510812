// Probe actions against real sockets on 127.0.0.1 (the pod IP stands in as 127.0.0.1 here).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpGet, tcpSocket, type ActionTarget } from '../../sandbox/node-agent/probe-action.js';

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === '/slow') return; // never answers
    response.writeHead(request.url === '/ok' ? 200 : request.url === '/moved' ? 302 : 503, {
      Location: '/ok'
    });
    response.end(request.headers['x-probe'] ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function target(mayReach: (host: string) => boolean = (host) => host === '127.0.0.1'): ActionTarget {
  return {
    container: { name: 'web', ports: [{ name: 'http', containerPort: port }] },
    podIP: '127.0.0.1',
    netns: 'unused',
    env: {},
    programs: {},
    mayReach
  };
}

describe('httpGet', () => {
  it('passes on 2xx and 3xx, by port name', async () => {
    await expect(httpGet({ path: '/ok', port: 'http' }, target(), 1000)).resolves.toEqual({ ok: true });
    await expect(httpGet({ path: '/moved', port }, target(), 1000)).resolves.toEqual({ ok: true });
  });

  it('fails on 5xx with the status code', async () => {
    await expect(httpGet({ path: '/down', port }, target(), 1000)).resolves.toEqual({
      ok: false,
      detail: 'HTTP probe failed with statuscode: 503'
    });
  });

  it('fails when the answer takes longer than timeoutSeconds', async () => {
    const result = await httpGet({ path: '/slow', port }, target(), 200);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('timeout after 200 ms');
  });

  it('refuses a probe host outside the pod network and 127.0.0.1 without sending anything', async () => {
    const result = await httpGet(
      { path: '/ok', port, host: '127.0.0.1' },
      target(() => false),
      1000
    );
    expect(result).toEqual({
      ok: false,
      detail: "probe host 127.0.0.1 is outside the sandbox's pod network and 127.0.0.1"
    });
  });

  it('names a port name the container does not declare', async () => {
    const result = await httpGet({ path: '/ok', port: 'metrics' }, target(), 1000);
    expect(result.detail).toBe('container "web": no port named "metrics" among its ports');
  });
});

describe('tcpSocket', () => {
  it('passes when the port accepts, fails when nothing listens', async () => {
    await expect(tcpSocket({ port }, target(), 1000)).resolves.toEqual({ ok: true });
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(free));
      });
    });
    const result = await tcpSocket({ port: closed }, target(), 1000);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('ECONNREFUSED');
  });
});
