/** An error the user can act on: printed as one line, no stack trace, with the exit code it carries. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes: 0 done (rejections are results, not failures), 1 could not do it, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
