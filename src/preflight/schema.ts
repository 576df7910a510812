// A strict values.schema.json (`additionalProperties: false`) rejects values the chart does not
// declare, and the action sets some on the canary (its routing values and its marks). Helm's error
// then reads like a broken chart; this says which of the action's keys to allow.
export const SCHEMA_ERROR = /values don't meet the specifications of the schema/i;

export function isSchemaError(message: string): boolean {
  return SCHEMA_ERROR.test(message);
}

/** The action's keys that Helm's schema error names (by full path or top-level key). */
export function actionKeysNamed(message: string, actionKeys: readonly string[]): string[] {
  const words = new Set(message.match(/[A-Za-z_][A-Za-z0-9_-]*/g) ?? []);
  return actionKeys.filter((key) => words.has(key.split('.')[0]) || message.includes(key));
}

/** What to add to the schema so that the keys are allowed: their top-level properties. */
export function schemaAdvice(keys: readonly string[]): string {
  const tops = [...new Set(keys.map((key) => key.split('.')[0]))];
  const properties = tops.map((top) => `"${top}": {"type": "object"}`).join(', ');
  return (
    `allow ${tops.map((t) => `\`${t}\``).join(' and ')} in the chart's values.schema.json: add ${properties} to its top-level "properties" ` +
    '(or drop "additionalProperties": false there)'
  );
}
