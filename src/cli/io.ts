// What the command line needs from the outside world. Tests pass their own implementation; the
// real one (nodeIo) is the only place of this package that writes to the console.

/** An access token as @azure/identity returns it. */
export interface AccessTokenLike {
  readonly token: string;
  /** Expiry in milliseconds since the epoch. */
  readonly expiresOnTimestamp?: number;
}

/** Gets a bearer token for a scope such as `https://contoso.crm4.dynamics.com/.default`. */
export interface AccessTokenProvider {
  /** What it is, for sign-in errors (e.g. the credential chain tried). */
  readonly description?: string;
  getToken(scope: string): Promise<AccessTokenLike | null>;
}

/** The command line's window on the world. */
export interface CliIo {
  /** Environment variables. */
  readonly env: { readonly [name: string]: string | undefined };
  /** Folder that relative paths start from. */
  readonly cwd: string;
  /**
   * Token provider.
   * @default - DefaultAzureCredential from @azure/identity, loaded on first use
   */
  readonly tokenProvider?: AccessTokenProvider;
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Waits (retries use it; tests record the delays instead of waiting). */
  sleep(ms: number): Promise<void>;
}

/** The process's console, environment and clock. */
export function nodeIo(): CliIo {
  return {
    // The command line is the one place where console output is allowed.
    // eslint-disable-next-line no-console
    out: (line) => console.log(line),
    // eslint-disable-next-line no-console
    err: (line) => console.error(line),
    env: process.env,
    cwd: process.cwd(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** The chain DefaultAzureCredential of @azure/identity 4.x tries, in order (its documentation). */
export const DEFAULT_CREDENTIAL_CHAIN =
  'DefaultAzureCredential (tried in order: EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential, AzureDeveloperCliCredential; AZURE_TOKEN_CREDENTIALS narrows the chain)';

/**
 * DefaultAzureCredential (service principal from AZURE_CLIENT_ID / AZURE_TENANT_ID /
 * AZURE_CLIENT_SECRET or a certificate, workload identity federation, managed identity, Azure CLI
 * ...), imported lazily so that commands that fail early and tests never load it.
 */
export async function defaultTokenProvider(): Promise<AccessTokenProvider> {
  const identity = await import('@azure/identity');
  const credential = new identity.DefaultAzureCredential();
  return { getToken: (scope) => credential.getToken(scope), description: DEFAULT_CREDENTIAL_CHAIN };
}
