// GitHub's Checks API limits, and fitting text into them. Pure.

/** `output.summary` and `output.text` accept at most this many characters each. */
export const MAX_OUTPUT_CHARS = 65535;
/** At most this many annotations per create/update request. */
export const MAX_ANNOTATIONS = 50;

/**
 * Keeps the newest entries (the end of `entries`) that fit in `budget` characters, counting one
 * newline per entry. Returns the kept entries and how many of the oldest were dropped.
 */
export function keepNewest(entries: string[], budget: number): { kept: string[]; dropped: number } {
  let used = 0;
  let first = entries.length;
  while (first > 0) {
    const cost = entries[first - 1].length + 1;
    if (used + cost > budget) break;
    used += cost;
    first--;
  }
  return { kept: entries.slice(first), dropped: first };
}

/**
 * Last resort for text that does not consist of droppable entries: cut at a line boundary and say
 * so. JS string length counts UTF-16 units, never fewer than GitHub's characters, so this is safe.
 */
export function capText(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const note =
    '\n\n_…cut to fit GitHub’s 65535-character limit; the full record is in the `report` output._\n';
  let cut = text.lastIndexOf('\n', max - note.length);
  if (cut <= 0) cut = max - note.length;
  return text.slice(0, cut) + note;
}
