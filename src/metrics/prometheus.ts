// PrometheusProvider: the MetricsProvider port over Prometheus's HTTP API (instant queries).
// Retries what can heal (5xx, 429, connection errors, timeouts) with exponential backoff; says
// plainly when the URL is not a Prometheus at all. Header values (tokens) never reach a message.
import axios, { type AxiosResponse } from 'axios';
import { MetricsUnavailableError, type CounterSeries, type MetricsProvider } from './types.js';
import { retry } from '../retry.js';
import { errorMessage } from '../error-message.js';

export interface PrometheusConfig {
  url: string;
  headers: Record<string, string>;
  timeoutSeconds: number;
}

export interface PrometheusRetryOptions {
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** First backoff; doubles on every retry. Default 500 ms. */
  backoffMs?: number;
  /** Longest single backoff. Default 8 s. */
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every retry (URL and reason only). */
  log?: (line: string) => void;
}

/** Prometheus understood the request and rejected the query (bad PromQL, wrong result type). Not retried. */
export class PrometheusQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** One attempt's failure: whether another attempt could help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean
  ) {
    super(message);
  }
}

interface ApiBody {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
}

export class PrometheusProvider implements MetricsProvider {
  /** The URL as shown in messages: without user:password. */
  readonly displayUrl: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (line: string) => void;

  constructor(
    private readonly config: PrometheusConfig,
    options: PrometheusRetryOptions = {}
  ) {
    this.displayUrl = redactUrl(config.url);
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = options.log ?? (() => {});
  }

  async query(promql: string, time: number = Date.now() / 1000): Promise<CounterSeries[]> {
    try {
      return await retry(async () => parseResult(await this.get(promql, time), this.displayUrl, promql), {
        attempts: this.retries + 1,
        delayMs: this.backoffMs,
        maxDelayMs: this.maxBackoffMs,
        retryable: (error) => error instanceof AttemptError && error.retryable,
        onRetry: (error, attempt, delay) =>
          this.log(
            `Prometheus at ${this.displayUrl}: ${errorMessage(error)}; retry ${attempt}/${this.retries} in ${delay} ms`
          ),
        sleep: this.sleep
      });
    } catch (error) {
      if (!(error instanceof AttemptError)) throw error;
      if (!error.retryable) throw new MetricsUnavailableError(error.message);
      throw new MetricsUnavailableError(
        `Prometheus at ${this.displayUrl} did not answer after ${this.retries + 1} attempts: ${error.message}`
      );
    }
  }

  /**
   * The query endpoint under the configured URL, keeping a path prefix (https://host/prometheus).
   * Resolved per query, not in the constructor: commands that sample nothing have no URL.
   */
  private endpoint(): string {
    let base: URL;
    try {
      base = new URL(this.config.url);
    } catch {
      throw new Error(
        `prometheus-url ${JSON.stringify(this.displayUrl)} is not a URL; expected http(s)://host:port`
      );
    }
    base.pathname = `${base.pathname.replace(/\/+$/, '')}/api/v1/query`;
    return base.toString();
  }

  /** One GET; resolves with the decoded API body or throws an AttemptError. */
  private async get(promql: string, time: number): Promise<ApiBody> {
    const endpoint = this.endpoint();
    let response: AxiosResponse<string>;
    try {
      response = await axios.get<string>(endpoint, {
        params: { query: promql, time: time.toFixed(3) },
        headers: { Accept: 'application/json', ...this.config.headers },
        timeout: this.config.timeoutSeconds * 1000,
        responseType: 'text',
        transformResponse: (data: string) => data,
        validateStatus: () => true
      });
    } catch (error) {
      // No response at all: refused, reset, DNS, timeout. Rebuilt from the code only, because
      // axios errors carry the request config, headers included.
      throw new AttemptError(networkReason(error, this.config.timeoutSeconds), true);
    }
    const { status } = response;
    const body = decode(response.data);
    if (status >= 500 || status === 429) {
      const detail = body && typeof body.error === 'string' ? `: ${body.error}` : '';
      throw new AttemptError(`HTTP ${status}${detail}`, true);
    }
    if (status === 401 || status === 403) {
      throw new AttemptError(
        `Prometheus at ${this.displayUrl} refused the query with HTTP ${status}: check the credentials in prometheus-headers`,
        false
      );
    }
    if (!body || typeof body.status !== 'string') {
      const type = String(response.headers['content-type'] ?? 'no content type');
      throw new AttemptError(
        `${this.displayUrl} does not answer like Prometheus: GET /api/v1/query returned HTTP ${status} (${type}) ` +
          `starting ${JSON.stringify(String(response.data ?? '').slice(0, 60))}; expected JSON with a "status" field. ` +
          'Check prometheus-url (the server root, e.g. http://prometheus:9090).',
        false
      );
    }
    if (body.status !== 'success') {
      const kind = typeof body.errorType === 'string' ? body.errorType : 'error';
      const text = typeof body.error === 'string' ? body.error : 'no error message';
      // Prometheus's own query timeout heals like a network one; anything else is the query's fault.
      if (kind === 'timeout') throw new AttemptError(`query timed out in Prometheus: ${text}`, true);
      throw new PrometheusQueryError(
        `Prometheus at ${this.displayUrl} rejected query ${promql}: ${kind}: ${text}`
      );
    }
    return body;
  }
}

function decode(text: unknown): ApiBody | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ApiBody) : undefined;
  } catch {
    return undefined;
  }
}

function parseResult(body: ApiBody, url: string, promql: string): CounterSeries[] {
  const { resultType, result } = body.data ?? {};
  if (resultType === 'vector' && Array.isArray(result)) {
    return result.map((item: { metric?: Record<string, string>; value?: [number, string] }) => ({
      labels: { ...(item.metric ?? {}) },
      value: sampleValue(item.value?.[1])
    }));
  }
  if (resultType === 'scalar' && Array.isArray(result)) {
    return [{ labels: {}, value: sampleValue(result[1]) }];
  }
  if (resultType === 'matrix') {
    throw new PrometheusQueryError(
      `query ${promql} returned a range vector; expected an instant selector of raw counters (drop the [range])`
    );
  }
  throw new AttemptError(
    `${url} answered /api/v1/query without a vector result (resultType ${JSON.stringify(resultType)})`,
    false
  );
}

/** Prometheus sends sample values as strings, including "NaN", "+Inf" and "-Inf". */
function sampleValue(text: unknown): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function networkReason(error: unknown, timeoutSeconds: number): string {
  const code = (error as { code?: unknown })?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return `no answer within ${timeoutSeconds}s (timeout)`;
  const message = errorMessage(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

/** Drop user:password from a URL shown in logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
