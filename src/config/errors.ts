// ConfigError: every bad input or config file ends here. The message always names where the problem is
// (an input, a file, a key in a file) and what was expected, so a user can fix it without reading code.

export class ConfigError extends Error {
  /** One line per problem; `message` joins them. */
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.length === 1 ? list[0] : `${list.length} configuration problems:\n- ${list.join('\n- ')}`);
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** "input `steps`": how error messages name an action input. */
export function inputLabel(name: string): string {
  return `input \`${name}\``;
}

/**
 * Builds the standard message: `<where>: expected <expected>, got "<got>".`
 * Pass `got: undefined` for secrets, so their values never reach a log.
 */
export function expectedError(where: string, expected: string, got?: string): ConfigError {
  const shown = got === undefined ? '' : `, got ${JSON.stringify(got)}`;
  return new ConfigError(`${where}: expected ${expected}${shown}.`);
}

/**
 * Runs each check and gathers every ConfigError, so a user sees all problems at once
 * instead of fixing them one run at a time. Other errors (bugs) propagate immediately.
 */
export class ProblemCollector {
  private readonly problems: string[] = [];

  attempt<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (error instanceof ConfigError) {
        this.problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
  }

  add(error: ConfigError): void {
    this.problems.push(...error.problems);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
