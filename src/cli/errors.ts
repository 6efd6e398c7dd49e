/**
 * An error the command line reports as it is: one paragraph that says what is wrong and how to
 * fix it. Anything else that escapes is a bug and is reported with its stack.
 */
export class CliError extends Error {
  /** The JSON result already carries this error (--json prints one document only). */
  public reportedAsJson = false;

  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** A Web API call that failed with an HTTP status. */
export class WebApiError extends CliError {
  constructor(
    message: string,
    public readonly status: number,
    public readonly code?: string,
  ) {
    super(message);
    this.name = 'WebApiError';
  }
}
