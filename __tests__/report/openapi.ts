// Request-body schemas of GitHub's check-run operations, from the OpenAPI description that
// @octokit/openapi ships, compiled with ajv. $refs are inlined, and objects that do not say
// otherwise are closed (additionalProperties: false) so a misspelt field fails too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;

function descriptionFile(): string {
  const pkg = require.resolve('@octokit/openapi/package.json');
  return path.join(path.dirname(pkg), 'generated', 'api.github.com.json');
}

let document: Json | undefined;
function openapi(): Json {
  document ??= JSON.parse(readFileSync(descriptionFile(), 'utf8')) as Json;
  return document;
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are expected, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json)[key], doc);
}

function inline(node: unknown, doc: Json, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, doc, seen));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    if (seen.includes(obj.$ref)) throw new Error(`Recursive $ref ${obj.$ref}`);
    return inline(resolvePointer(doc, obj.$ref), doc, [...seen, obj.$ref]);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = inline(v, doc, seen);
  return out;
}

function close(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(close);
  if (node === null || typeof node !== 'object') return node;
  const obj: Json = {};
  for (const [k, v] of Object.entries(node as Json)) obj[k] = close(v);
  if (obj.type === 'object' && obj.properties && obj.additionalProperties === undefined)
    obj.additionalProperties = false;
  return obj;
}

export function requestBodySchema(operationId: string): Json {
  const doc = openapi();
  for (const ops of Object.values(doc.paths as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(ops)) {
      if (op && typeof op === 'object' && op.operationId === operationId) {
        const body = inline(op.requestBody, doc) as Json;
        const schema = (body.content as Record<string, { schema: Json }>)['application/json'].schema;
        return close(schema) as Json;
      }
    }
  }
  throw new Error(`Operation ${operationId} not found in ${descriptionFile()}`);
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS; under ESM its function may sit on .default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv
) => Ajv;
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();
export function validatorFor(operationId: 'checks/create' | 'checks/update'): ValidateFunction {
  let v = compiled.get(operationId);
  if (!v) {
    v = ajv.compile(requestBodySchema(operationId));
    compiled.set(operationId, v);
  }
  return v;
}

/** Throws with ajv's messages when `body` is not a valid request body for the operation. */
export function expectValidBody(operationId: 'checks/create' | 'checks/update', body: unknown): void {
  const validate = validatorFor(operationId);
  if (!validate(body)) {
    throw new Error(
      `${operationId} body invalid: ${JSON.stringify(validate.errors, null, 2).slice(0, 2000)}`
    );
  }
}
