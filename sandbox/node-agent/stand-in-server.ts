// The stand-in for an image the sandbox has no program for, so that charts we did not write can be
// installed and waited on. It listens on every port the container declares (containerPorts, probe
// ports, $PORT), answers every path with 200 and a small JSON body, and serves Prometheus metrics at
// /metrics. It is not the image's program: it only makes the pod look alive. With --complete (pods
// whose restartPolicy is not Always: Jobs, Helm tests) it exits 0 at once.
// Usage: node --import tsx stand-in-server.ts --container NAME [--complete] --port 8080 [--port 9090 ...]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

const { values } = parseArgs({
  options: {
    port: { type: 'string', multiple: true, default: [] },
    container: { type: 'string', default: 'container' },
    complete: { type: 'boolean', default: false }
  },
  strict: true
});
if (values.complete) {
  // A Job's or a Helm test's container: the image's program cannot run here, so it "completes".
  console.log(
    `stand-in for ${values.container}: a pod that runs to completion; the image's program was not run; exiting 0`
  );
  process.exit(0);
}
const ports = (values.port ?? []).map(Number);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const requests = new Counter({
  name: 'sandbox_stand_in_requests_total',
  help: 'Requests answered by the sandbox stand-in server, by port and path',
  labelNames: ['port', 'path'],
  registers: [registry]
});

const servers = ports.map((port) => {
  const server = http.createServer(async (request, response) => {
    const urlPath = (request.url ?? '/').split('?')[0];
    requests.inc({ port: String(port), path: urlPath === '/metrics' ? '/metrics' : 'other' });
    if (urlPath === '/metrics') {
      response.writeHead(200, { 'Content-Type': registry.contentType });
      response.end(await registry.metrics());
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(`${JSON.stringify({ standIn: true, container: values.container, port, path: urlPath })}\n`);
  });
  server.listen(port, '0.0.0.0', () => console.log(`stand-in for ${values.container} listening on ${port}`));
  return server;
});
if (ports.length === 0)
  console.log(`stand-in for ${values.container}: the container declares no ports; idling`);
const idle = setInterval(() => undefined, 1 << 30);

function shutDown(signal: string) {
  console.log(`stand-in for ${values.container}: ${signal}, closing`);
  clearInterval(idle);
  for (const server of servers) server.close();
  setTimeout(() => process.exit(0), 50).unref();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
