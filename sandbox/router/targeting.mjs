// ingress-nginx canary targeting: header first, then cookie; anything else falls through to the weight.
// Returns 'canary', 'stable' or undefined (decide by weight).

export function readCookie(cookieHeader, name) {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function targetedTrack(headers, canary) {
  if (canary.header) {
    const raw = headers[canary.header.toLowerCase()];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) {
      if (canary.headerValue) {
        // With canary-by-header-value only an exact match targets; other values are ignored.
        if (value === canary.headerValue) return 'canary';
      } else if (canary.headerPattern) {
        if (new RegExp(canary.headerPattern).test(value)) return 'canary';
      } else if (value === 'always') return 'canary';
      else if (value === 'never') return 'stable';
    }
  }
  if (canary.cookie) {
    const value = readCookie(headers.cookie, canary.cookie);
    if (value === 'always') return 'canary';
    if (value === 'never') return 'stable';
  }
  return undefined;
}
