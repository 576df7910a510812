// Free TCP ports on 127.0.0.1 for the sandbox's listeners. Chosen at random below Linux's ephemeral range
// (32768-60999): a port the kernel hands out as "port 0" can be taken by an outgoing connection (the
// API server to etcd, Prometheus to a pod) before our process binds it. Each candidate is test-bound, and
// all are held until every one is chosen, so the same port is not handed out twice.
import net from 'node:net';
import { randomInt } from 'node:crypto';

const LOWEST = 20_000;
const BELOW_EPHEMERAL = 32_768;

function tryListen(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  try {
    for (let attempts = 0; held.length < count; attempts++) {
      if (attempts > count * 50)
        throw new Error(`no ${count} free ports on 127.0.0.1 in ${LOWEST}-${BELOW_EPHEMERAL - 1}`);
      const server = await tryListen(randomInt(LOWEST, BELOW_EPHEMERAL));
      if (server) held.push(server);
    }
    return held.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
