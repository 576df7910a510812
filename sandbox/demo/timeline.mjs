// A compact timeline of one scenario: traffic per arm every few seconds, the router's canary weight,
// and what happened (Helm operations, Prometheus stop/start, the decision) at the moment it happened.

const pad = (s, n) => String(s).padStart(n);

/**
 * @param {{ since: number, until: number, perSecond: Array<{at:number,stable:number,canary:number,failed:number}>,
 *           routerLog: any[], events: any[], notes: Array<{at:number,text:string}>, canaryRelease: string,
 *           stableRelease: string, decision?: { at: number, text: string } }} input
 */
export function renderTimeline({
  since,
  until,
  perSecond,
  routerLog,
  events,
  notes,
  canaryRelease,
  stableRelease,
  decision,
  stepSeconds = 5
}) {
  const lines = ['   time   weight   stable/s  canary/s  failed   events'];
  const weightAt = (t) => {
    let w = null;
    for (const e of routerLog) {
      if (Date.parse(e.at) > t) break;
      w = e.canaryRelease === canaryRelease ? e.canaryWeight : null;
    }
    return w;
  };
  const marks = [
    ...events
      .filter((e) => (e.release === canaryRelease || e.release === stableRelease) && e.op !== 'applied')
      .map((e) => ({
        at: Date.parse(e.at),
        text: `${e.op} ${e.release}${e.weight !== null && e.release === canaryRelease ? ` w=${e.weight}` : ''}${e.version ? ` v${e.version}` : ''}${e.error ? ` (${e.error.split('\n')[0]})` : ''}`
      })),
    ...notes,
    ...(decision ? [decision] : [])
  ].sort((a, b) => a.at - b.at);
  for (let t = since; t < until; t += stepSeconds * 1000) {
    const end = Math.min(t + stepSeconds * 1000, until);
    const window = perSecond.filter((b) => b.at * 1000 >= t && b.at * 1000 < end);
    const secs = Math.max(1, (end - t) / 1000);
    const sum = (k) => window.reduce((n, b) => n + b[k], 0);
    const here = marks.filter((m) => m.at >= t && m.at < end).map((m) => m.text);
    const w = weightAt(end);
    lines.push(
      `  ${pad(`+${Math.round((t - since) / 1000)}s`, 5)}  ${pad(w === null ? '-' : `${w}%`, 6)}  ${pad((sum('stable') / secs).toFixed(1), 8)}  ${pad((sum('canary') / secs).toFixed(1), 8)}  ${pad(sum('failed'), 6)}   ${here.join('; ')}`
    );
  }
  return lines.join('\n');
}
