// `npm run sandbox:build`: builds the sandbox's real Kubernetes parts into .tools/sandbox/ and writes
// .tools/sandbox/manifest.json. Each component goes to a directory keyed by its version and a hash of its
// wrapper module, Go version and flags, so a second run finds everything built and takes about a second.
// Downloads go only through the Go module proxy; etcd and Prometheus come from Debian packages.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  GO_COMPONENTS,
  KUBERNETES_VERSION,
  PODINFO_VERSION,
  repoRoot,
  type GoComponent
} from '../sandbox/build/components.js';
import { collectCrds } from '../sandbox/build/crds.js';
import { formatDuration } from '../sandbox/build/duration.js';
import { buildCommands, downloadModules, runGo } from '../sandbox/build/go.js';
import {
  manifestPath,
  sandboxToolsDir,
  type BinaryName,
  type SandboxManifest
} from '../sandbox/build/manifest.js';
import { locateSystemTool, SYSTEM_TOOLS } from '../sandbox/build/system-tools.js';

const say = (line: string): void => console.log(`sandbox:build: ${line}`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Same inputs, same key: the wrapper module's files, the Go toolchain and target, the link flags. */
function componentKey(component: GoComponent, toolchain: string): string {
  const hash = createHash('sha256')
    .update(toolchain)
    .update(component.ldflags.join(' '))
    .update((component.tags ?? []).join(','));
  const moduleDir = path.join(repoRoot, component.moduleDir);
  for (const file of filesUnder(moduleDir))
    hash.update(path.relative(moduleDir, file)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

async function buildComponent(component: GoComponent, toolchain: string): Promise<Record<string, string>> {
  const dirName = `${component.name}-${component.version}-${componentKey(component, toolchain)}`;
  const outDir = path.join(sandboxToolsDir, dirName);
  const binaries = Object.fromEntries(component.commands.map((c) => [c.binary, path.join(outDir, c.binary)]));
  if (Object.values(binaries).every((file) => existsSync(file))) {
    say(`${component.name} ${component.version}: up to date (${path.relative(repoRoot, outDir)})`);
    return binaries;
  }
  const names = component.commands.map((c) => c.binary).join(', ');
  say(`${component.name} ${component.version}: building ${names} (cold: many minutes; progress every 20 s)`);
  const started = Date.now();
  const partialDir = `${outDir}.partial`;
  rmSync(partialDir, { recursive: true, force: true });
  mkdirSync(partialDir, { recursive: true });
  const logFile = path.join(sandboxToolsDir, `${component.name}-build.log`);
  await buildCommands({
    cwd: path.join(repoRoot, component.moduleDir),
    packages: component.commands.map((c) => c.pkg),
    outDir: partialDir,
    ldflags: component.ldflags,
    tags: component.tags ?? [],
    logFile,
    onProgress: (compiled, elapsed) =>
      say(`  ${component.name}: ${compiled} packages compiled, ${formatDuration(elapsed)} (log: ${logFile})`)
  });
  renameSync(partialDir, outDir);
  // Older builds of the same component are hundreds of megabytes; keep only this one.
  for (const entry of readdirSync(sandboxToolsDir))
    if (entry.startsWith(`${component.name}-`) && entry !== dirName && !entry.endsWith('.log'))
      rmSync(path.join(sandboxToolsDir, entry), { recursive: true, force: true });
  say(`${component.name} ${component.version}: built in ${formatDuration(Date.now() - started)}`);
  return binaries;
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(sandboxToolsDir, { recursive: true });
  const [{ stdout: goVersion }, { stdout: goEnv }] = await Promise.all([
    runGo(['version'], repoRoot),
    runGo(['env', 'GOOS', 'GOARCH', 'CGO_ENABLED'], repoRoot)
  ]);
  const toolchain = `${goVersion.trim()} ${goEnv.replace(/\s+/g, ' ').trim()}`;
  say(`${goVersion.trim()}`);

  const binaries: Record<string, string> = {};
  for (const tool of SYSTEM_TOOLS) {
    const found = locateSystemTool(tool);
    binaries[tool.binary] = found.path;
    say(`${tool.binary} ${found.version}: ${found.path} (Debian ${tool.debianPackage})`);
  }
  for (const component of GO_COMPONENTS) Object.assign(binaries, await buildComponent(component, toolchain));

  const [crds, podinfo] = await Promise.all([
    collectCrds(path.join(sandboxToolsDir, 'crds')),
    downloadModules(path.join(repoRoot, 'sandbox/podinfo'), ['github.com/stefanprodan/podinfo'])
  ]);
  say(
    `CRDs: ${crds.files.length} files from ${Object.entries(crds.versions)
      .map(([m, v]) => `${m}@${v}`)
      .join(', ')}`
  );
  const podinfoChart = path.join(podinfo.get('github.com/stefanprodan/podinfo')!.Dir, 'charts/podinfo');

  const manifest: SandboxManifest = {
    kubernetesVersion: KUBERNETES_VERSION,
    versions: Object.fromEntries([
      ...GO_COMPONENTS.map((c) => [c.name, c.version]),
      ...Object.entries(crds.versions),
      ['github.com/stefanprodan/podinfo', PODINFO_VERSION]
    ]),
    binaries: binaries as Record<BinaryName, string>,
    crds: crds.files,
    podinfoChart
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  say(`manifest: ${manifestPath}`);
  say(`done in ${formatDuration(Date.now() - started)}`);
}

main().catch((error: unknown) => {
  console.error(`sandbox:build: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
