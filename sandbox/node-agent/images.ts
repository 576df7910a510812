// Which local program stands for a container image. There is no container runtime: an image we know
// maps to its program on this machine, any other image to the stand-in server (stand-in-server.ts).
import path from 'node:path';
import type { V1Container } from '@kubernetes/client-node';

export interface EntryPoints {
  /** app/storefront/src/server.js */
  storefrontServer: string;
  /** app/catalogue/src/server.js */
  catalogueServer: string;
  /** The podinfo binary from the build manifest, when the build made one. */
  podinfo?: string;
  /** podinfo's CLI (its chart's exec probes run `podcli check http ...`), when the build made one. */
  podcli?: string;
  /** argv that starts the stand-in server (node with tsx and stand-in-server.ts). */
  standIn: string[];
  nodeBinary: string;
}

export type ProgramKind = 'storefront' | 'catalogue' | 'podinfo' | 'stand-in';

export interface ContainerProgram {
  kind: ProgramKind;
  argv: string[];
  /** Working directory the program expects, if any (else the container's scratch directory). */
  cwd?: string;
}

/** The repository part of an image reference, without registry host, tag or digest: "stefanprodan/podinfo". */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const parts = name.split('/');
  // A first component with a dot or a port, or "localhost", is a registry host (Docker's rule).
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  if (parts.length === 2 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}

/** The image's tag, "latest" when none is given. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? 'latest' : withoutDigest.slice(colon + 1);
}

/**
 * The programs an image has here, by name, for exec probes and hooks: `podcli check http ...` in the
 * podinfo image runs the built podcli. Any other command runs from the host's PATH.
 */
export function imagePrograms(image: string, entryPoints: EntryPoints): Record<string, string> {
  const programs: Record<string, string> = {};
  if (imageRepository(image) === 'stefanprodan/podinfo') {
    if (entryPoints.podinfo) programs.podinfo = entryPoints.podinfo;
    if (entryPoints.podcli) programs.podcli = entryPoints.podcli;
  }
  return programs;
}

/** An exec action's argv with its program resolved to the image's own, if the image has it. */
export function execArgv(command: string[], programs: Record<string, string>): string[] {
  const own = programs[path.basename(command[0] ?? '')];
  return own ? [own, ...command.slice(1)] : command;
}

export class UnrunnableContainerError extends Error {}

/**
 * The argv for a container, Kubernetes' rules applied to the image's entry point: `args` replace the
 * image's arguments; a `command` is honoured only when it names the image's own program (podinfo's
 * chart runs `./podinfo --port=...`), since no other program of the image exists here.
 */
export function programFor(
  container: V1Container,
  entryPoints: EntryPoints,
  { runToCompletion = false } = {}
): ContainerProgram {
  const image = container.image ?? '';
  const repository = imageRepository(image);
  const command = container.command ?? [];
  const args = container.args ?? [];

  // Our Node apps: the image's program is the app's server.js, run by this machine's node.
  const nodeApps: Record<string, { kind: ProgramKind; server: string }> = {
    'upcommerce/storefront': { kind: 'storefront', server: entryPoints.storefrontServer },
    'upcommerce/catalogue': { kind: 'catalogue', server: entryPoints.catalogueServer }
  };
  const app = nodeApps[repository];
  if (app) {
    if (command.length > 0) {
      throw new UnrunnableContainerError(
        `container "${container.name}": image ${image} runs the ${app.kind} server here; its command ${JSON.stringify(command)} cannot be run in the sandbox (leave command unset)`
      );
    }
    return {
      kind: app.kind,
      argv: [entryPoints.nodeBinary, app.server, ...args],
      cwd: path.dirname(path.dirname(app.server))
    };
  }

  if (repository === 'stefanprodan/podinfo') {
    if (!entryPoints.podinfo) {
      throw new UnrunnableContainerError(
        `container "${container.name}": image ${image} needs the podinfo binary, and the build manifest names none (binaries.podinfo)`
      );
    }
    let flags = args;
    if (command.length > 0) {
      if (path.basename(command[0]) !== 'podinfo') {
        throw new UnrunnableContainerError(
          `container "${container.name}": image ${image} has only the podinfo program here; its command ${JSON.stringify(command)} cannot be run in the sandbox`
        );
      }
      flags = [...command.slice(1), ...args];
    }
    return { kind: 'podinfo', argv: [entryPoints.podinfo, ...flags], cwd: path.dirname(entryPoints.podinfo) };
  }

  // Any other image: the stand-in answers on the ports its spec declares; its own command is not run.
  // In a pod that runs to completion (a Job, a Helm test) it exits 0 at once instead.
  return { kind: 'stand-in', argv: [...entryPoints.standIn, ...(runToCompletion ? ['--complete'] : [])] };
}
