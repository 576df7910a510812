// Names go into PromQL regex matchers (`pod=~"..."`): every character RE2 gives a meaning is escaped,
// so a name is only ever itself. (The string-literal escaping follows when the query is rendered.)
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}
