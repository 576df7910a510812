// One probe or hook action against a pod, as the kubelet performs it: httpGet and tcpSocket from the
// host to the pod IP, exec inside the pod's network namespace.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1ExecAction, V1HTTPGetAction, V1TCPSocketAction } from '@kubernetes/client-node';
import { execArgv } from './images.js';
import { resolveContainerPort } from './ports.js';
import { runCommand } from './run-command.js';

export interface ActionTarget {
  container: V1Container;
  podIP: string;
  /** The pod's network namespace, where exec actions run. */
  netns: string;
  env: Record<string, string>;
  /** The image's own programs by name (see images.ts imagePrograms), for exec actions. */
  programs: Record<string, string>;
  /** Whether a probe may send to this host: the sandbox sends only to the pod network and 127.0.0.1. */
  mayReach(host: string): boolean;
}

/** The probe's host (the pod IP unless it names one), or why it may not be used. */
function probeHost(
  declared: string | undefined,
  target: ActionTarget
): { host: string } | { refused: string } {
  const host = declared || target.podIP;
  return target.mayReach(host)
    ? { host }
    : { refused: `probe host ${host} is outside the sandbox's pod network and 127.0.0.1` };
}

export interface ActionResult {
  ok: boolean;
  /** Why it failed, for the container's events and logs. */
  detail?: string;
}

export function httpGet(
  action: V1HTTPGetAction,
  target: ActionTarget,
  timeoutMs: number
): Promise<ActionResult> {
  return new Promise((resolve) => {
    let port: number;
    try {
      port = resolveContainerPort(target.container, action.port);
    } catch (error) {
      resolve({ ok: false, detail: (error as Error).message });
      return;
    }
    const destination = probeHost(action.host, target);
    if ('refused' in destination) {
      resolve({ ok: false, detail: destination.refused });
      return;
    }
    const secure = (action.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
    const headers = Object.fromEntries((action.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const request = (secure ? https : http).get(
      {
        host: destination.host,
        port,
        path: action.path || '/',
        headers: { 'User-Agent': 'kube-probe/sandbox', ...headers },
        agent: false,
        timeout: timeoutMs,
        rejectUnauthorized: false
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400
            ? { ok: true }
            : { ok: false, detail: `HTTP probe failed with statuscode: ${status}` }
        );
      }
    );
    request.on('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    request.on('error', (error) =>
      resolve({
        ok: false,
        detail: `Get "http://${target.podIP}:${port}${action.path ?? '/'}": ${error.message}`
      })
    );
  });
}

export function tcpSocket(
  action: V1TCPSocketAction,
  target: ActionTarget,
  timeoutMs: number
): Promise<ActionResult> {
  return new Promise((resolve) => {
    let port: number;
    try {
      port = resolveContainerPort(target.container, action.port);
    } catch (error) {
      resolve({ ok: false, detail: (error as Error).message });
      return;
    }
    const destination = probeHost(action.host, target);
    if ('refused' in destination) {
      resolve({ ok: false, detail: destination.refused });
      return;
    }
    const socket = net.connect({ host: destination.host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => socket.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    socket.once('error', (error) =>
      resolve({ ok: false, detail: `dial tcp ${target.podIP}:${port}: ${error.message}` })
    );
  });
}

export async function execAction(
  action: V1ExecAction,
  target: ActionTarget,
  timeoutMs: number
): Promise<ActionResult> {
  const command = action.command ?? [];
  if (command.length === 0) return { ok: false, detail: 'exec action has no command' };
  // Only the container's env, not the agent's: `env -i` inside the pod's namespace.
  const env = Object.entries(target.env).map(([k, v]) => `${k}=${v}`);
  try {
    await runCommand(
      ['ip', 'netns', 'exec', target.netns, 'env', '-i', ...env, ...execArgv(command, target.programs)],
      timeoutMs
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/** A probe's or hook's action, whichever kind it declares. */
export function runAction(
  handler: { httpGet?: V1HTTPGetAction; tcpSocket?: V1TCPSocketAction; exec?: V1ExecAction; grpc?: unknown },
  target: ActionTarget,
  timeoutMs: number
): Promise<ActionResult> {
  if (handler.httpGet) return httpGet(handler.httpGet, target, timeoutMs);
  if (handler.tcpSocket) return tcpSocket(handler.tcpSocket, target, timeoutMs);
  if (handler.exec) return execAction(handler.exec, target, timeoutMs);
  if (handler.grpc)
    return Promise.resolve({ ok: false, detail: 'grpc probes are not supported by the sandbox node agent' });
  return Promise.resolve({ ok: false, detail: 'the probe declares no action' });
}
