// The node's gateway proxy on loopback: it forwards a pod's HTTP call, Host header and all, to the
// ingress port it looks up, looks the port up again after a failed connection, and closes the caller's
// connection when there is no ingress to forward to.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startGatewayProxy, type GatewayProxy } from '../../sandbox/node-agent/gateway-proxy.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function ingress(): Promise<{ port: number; hosts: string[] }> {
  const hosts: string[] = [];
  const server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    res.end(`routed ${req.headers.host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  );
  return { port: (server.address() as net.AddressInfo).port, hosts };
}

async function proxy(ingressPort: () => Promise<number>, log: string[] = []): Promise<GatewayProxy> {
  const started = await startGatewayProxy({
    host: '127.0.0.1',
    port: 0,
    ingressPort,
    log: (m) => log.push(m)
  });
  closers.push(() => started.close());
  return started;
}

function get(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/products', headers: { host }, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      }
    );
    req.on('error', reject);
  });
}

describe('gateway proxy', () => {
  it('forwards a call with its Host header to the ingress port, looked up once', async () => {
    const target = await ingress();
    let lookups = 0;
    const gateway = await proxy(async () => {
      lookups += 1;
      return target.port;
    });
    expect(await get(gateway.port, 'catalogue.example.com')).toBe('routed catalogue.example.com');
    expect(await get(gateway.port, 'storefront.example.com')).toBe('routed storefront.example.com');
    expect(target.hosts).toEqual(['catalogue.example.com', 'storefront.example.com']);
    expect(lookups).toBe(1);
  });

  it('looks the port up again after a connection to it failed', async () => {
    const target = await ingress();
    const ports = [1, target.port];
    const log: string[] = [];
    const gateway = await proxy(async () => ports.shift()!, log);
    await expect(get(gateway.port, 'catalogue.example.com')).rejects.toThrow();
    expect(log.join('\n')).toMatch(/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(await get(gateway.port, 'catalogue.example.com')).toBe('routed catalogue.example.com');
  });

  it("closes the caller's connection, saying why, when there is no ingress to forward to", async () => {
    const log: string[] = [];
    const gateway = await proxy(async () => {
      throw new Error('Gateway default/gateway has no HTTP listener with a port');
    }, log);
    await expect(get(gateway.port, 'catalogue.example.com')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(log).toEqual([
      'gateway proxy: no ingress to forward to: Gateway default/gateway has no HTTP listener with a port'
    ]);
  });
});
