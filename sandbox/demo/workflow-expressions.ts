// GitHub Actions expressions (`${{ ... }}`, `if:`) for the demo's local workflow runner, evaluated by
// GitHub's own expression library (@actions/expressions); only the status functions (success(),
// failure(), always(), cancelled()) are the runner's, since they depend on what ran before.
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/** Named contexts: inputs, secrets, needs, matrix, strategy, env, steps, runner, github. */
export type Contexts = Record<string, unknown>;

/** What the status functions answer: about the job's needs (a job's `if`) or its earlier steps (a step's). */
export interface Status {
  readonly failed: boolean;
  readonly cancelled: boolean;
  /** A job's need was skipped: success() is false, failure() too. */
  readonly skipped?: boolean;
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'] as const;
const WHOLE = /^\s*\$\{\{([\s\S]*)\}\}\s*$/;
const EMBEDDED = /\$\{\{([\s\S]*?)\}\}/g;

function evaluate(expression: string, contexts: Contexts, status: Status): data.ExpressionData {
  const lexed = new Lexer(expression.trim()).lex();
  const infos = STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), infos).parse();
  const answers: Record<(typeof STATUS_FUNCTIONS)[number], boolean> = {
    success: !status.failed && !status.cancelled && !status.skipped,
    failure: status.failed,
    always: true,
    cancelled: status.cancelled
  };
  const functions = new Map(
    infos.map((info) => [info.name, { ...info, call: () => new data.BooleanData(answers[info.name]) }])
  );
  const dictionary = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(parsed, dictionary, functions).evaluate();
}

const toPlain = (value: data.ExpressionData): unknown => JSON.parse(JSON.stringify(value, data.replacer));

const NO_STATUS: Status = { failed: false, cancelled: false };

/**
 * A workflow field's value: `${{ expr }}` alone gives the expression's value (an array for a matrix),
 * text around expressions gives a string with each one's string form in place.
 */
export function evaluateField(value: unknown, contexts: Contexts): unknown {
  if (typeof value !== 'string') return value;
  const whole = WHOLE.exec(value);
  if (whole && !whole[1].includes('}}')) return toPlain(evaluate(whole[1], contexts, NO_STATUS));
  return value.replace(EMBEDDED, (_, expression: string) =>
    evaluate(expression, contexts, NO_STATUS).coerceString()
  );
}

/** A field as the string the runner hands a step (inputs, env): booleans and numbers in their text form. */
export function evaluateString(value: unknown, contexts: Contexts): string {
  const result = evaluateField(value, contexts);
  if (result === null || result === undefined) return '';
  return typeof result === 'object' ? JSON.stringify(result) : String(result);
}

/**
 * An `if:` as the runner reads it: absent means success(); an expression without a status function
 * is ANDed with success(), so it does not run after a failure unless it says always() or failure().
 */
export function condition(ifField: unknown, contexts: Contexts, status: Status): boolean {
  if (ifField === undefined || ifField === null)
    return !status.failed && !status.cancelled && !status.skipped;
  const text = String(ifField);
  const expression = WHOLE.exec(text)?.[1] ?? text;
  const usesStatus = new RegExp(`\\b(${STATUS_FUNCTIONS.join('|')})\\s*\\(`).test(expression);
  return truthy(evaluate(usesStatus ? expression : `success() && (${expression})`, contexts, status));
}
