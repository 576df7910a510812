// The chart renders with the canary's values, against the cluster: a server-side dry run of the
// canary's install. When it does not, the error says why in the user's terms (a strict schema that
// rejects the action's values, an object another release owns, a broken template).
import { errorMessage } from '../error-message.js';
import { parseManifest, type ManifestObject } from './manifest.js';
import { actionKeysNamed, isSchemaError, schemaAdvice } from './schema.js';
import { PreflightError, type PreflightHelm, type PreflightLine } from './types.js';

/** Helm's words for an object that exists and belongs to another release (or to none). */
const OWNED_ELSEWHERE =
  /already exists|invalid ownership metadata|cannot be imported into the current release/i;

export interface RenderFindings {
  lines: PreflightLine[];
  errors: PreflightError[];
  /** The canary's objects, from the server-side render or, when that failed, from `helm template`. */
  objects?: ManifestObject[];
  /** The server-side render failed because Helm found an object owned elsewhere. */
  ownedElsewhere?: boolean;
}

export async function checkRender(
  helm: PreflightHelm,
  canaryRelease: string,
  weight: number
): Promise<RenderFindings> {
  try {
    const objects = parseManifest(await helm.renderCanary(weight));
    return {
      lines: [
        {
          check: 'render',
          subject: canaryRelease,
          status: 'ok',
          detail: `server-side dry run at ${weight}%: ${objects.length} objects`
        }
      ],
      errors: [],
      objects
    };
  } catch (error) {
    const message = errorMessage(error);
    // Helm's own words (an adapter's error carries them as `stderr`), without the command line, whose
    // --set flags would name every key.
    const stderr = (error as { stderr?: unknown }).stderr;
    const helmSaid = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : message;
    const fallback = await helm.templateCanary(weight).then(parseManifest, () => undefined);
    if (isSchemaError(helmSaid))
      return { ...(await schemaFindings(helm, canaryRelease, weight, helmSaid)), objects: fallback };
    if (OWNED_ELSEWHERE.test(message)) {
      return {
        lines: [
          {
            check: 'render',
            subject: canaryRelease,
            status: 'fail',
            detail: 'an object it renders exists already',
            code: 'release-objects-collide'
          }
        ],
        errors: [
          new PreflightError(
            'release-objects-collide',
            `${canaryRelease} renders an object that exists in the cluster already, owned by another release or by none: ${message}. Give the canary's objects names of their own (see docs/charts.md, "Preflight").`
          )
        ],
        objects: fallback,
        ownedElsewhere: true
      };
    }
    return {
      lines: [
        {
          check: 'render',
          subject: canaryRelease,
          status: 'fail',
          detail: 'the server-side dry run failed',
          code: 'chart-does-not-render'
        }
      ],
      errors: [
        new PreflightError(
          'chart-does-not-render',
          `the chart does not render for ${canaryRelease} with the canary's values (server-side dry run): ${message}. Fix the chart or the values; the command is in the log above.`
        )
      ],
      objects: fallback
    };
  }
}

async function schemaFindings(
  helm: PreflightHelm,
  canaryRelease: string,
  weight: number,
  message: string
): Promise<Omit<RenderFindings, 'objects'>> {
  const actionKeys = helm.actionValueKeys(weight);
  let named = actionKeysNamed(message, actionKeys);
  if (named.length === 0) {
    // Helm did not say which key: the user's own values alone tell whose keys the schema rejects.
    const userValuesPass = await helm.templateUserValues().then(
      () => true,
      (e: unknown) => !isSchemaError(errorMessage(e))
    );
    if (!userValuesPass) {
      return {
        lines: [
          {
            check: 'render',
            subject: canaryRelease,
            status: 'fail',
            detail: "the chart's schema rejects the values",
            code: 'chart-does-not-render'
          }
        ],
        errors: [
          new PreflightError(
            'chart-does-not-render',
            `the chart's values.schema.json rejects the values given in \`values\` and \`set\` (before the action adds any): ${message}`
          )
        ]
      };
    }
    named = actionKeys;
  }
  return {
    lines: [
      {
        check: 'render',
        subject: canaryRelease,
        status: 'fail',
        detail: `the schema rejects ${named.join(', ')}`,
        code: 'schema-rejects-action-values'
      }
    ],
    errors: [
      new PreflightError(
        'schema-rejects-action-values',
        `the chart's values.schema.json rejects the values the action sets on ${canaryRelease} (${named.join(', ')}): ${schemaAdvice(named)}. Helm said: ${message}`
      )
    ]
  };
}
