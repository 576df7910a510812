// Masks secrets in the runner's log, each value once (raw inputs first, then the values the
// validated spec derives from them, such as a password inside a URL).
import * as core from '@actions/core';

export function createMasker(): (values: Iterable<string>) => void {
  const masked = new Set<string>();
  return (values) => {
    for (const value of values) {
      if (!value || masked.has(value)) continue;
      masked.add(value);
      core.setSecret(value);
    }
  };
}
