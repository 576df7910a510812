// Templating release and namespace into the users' PromQL. The values land inside double-quoted
// string literals (`release="{{release}}"`), so they are escaped for exactly that context.

const PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/** Escape a label value for a double-quoted PromQL string literal. */
export function escapePromqlString(value: string): string {
  return value.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c]!);
}

export interface QueryArm {
  release: string;
  namespace: string;
}

/** Replace `{{release}}` and `{{namespace}}`, escaped; any other placeholder is a mistake in the query. */
export function renderQuery(template: string, arm: QueryArm): string {
  return template.replace(PLACEHOLDER, (token, name: string) => {
    const key = name.trim();
    if (key === 'release') return escapePromqlString(arm.release);
    if (key === 'namespace') return escapePromqlString(arm.namespace);
    throw new Error(
      `query ${JSON.stringify(template)}: unknown placeholder ${token}; expected {{release}} or {{namespace}}`
    );
  });
}
