/**
 * Named limits, timeouts, ports and paths of the sandbox contract.
 *
 * @module
 */

/** Default sandbox lifetime, in seconds (1 hour). */
export const SANDBOX_DEFAULT_LIFETIME_SECONDS = 3600;

/** Default timeouts of provider API calls, in milliseconds. `checkSandboxes` is exported but unused by providers. */
export const DEFAULT_TIMEOUTS: {
  readonly createSandbox: 180_000;
  readonly snapshot: 120_000;
  readonly terminate: 30_000;
  readonly writeEnvFile: 30_000;
  readonly health: 10_000;
  readonly checkSandboxes: 30_000;
} = {
  createSandbox: 180_000,
  snapshot: 120_000,
  terminate: 30_000,
  writeEnvFile: 30_000,
  health: 10_000,
  checkSandboxes: 30_000,
};

/** Default timeout of `execCommand` and of `fetchWithTimeout`, in milliseconds. */
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/**
 * How long to wait for OpenCode to answer after boot: 30 s in total, first retry after 200 ms,
 * each delay × 1.5, at most 2 s per try.
 */
export const OPENCODE_READINESS: {
  readonly timeoutMs: 30_000;
  readonly initialDelayMs: 200;
  readonly backoffFactor: 1.5;
  readonly maxDelayMs: 2_000;
} = { timeoutMs: 30_000, initialDelayMs: 200, backoffFactor: 1.5, maxDelayMs: 2_000 };

/** Port of the OpenCode API inside the sandbox (`tunnelUrl`). */
export const OPENCODE_PORT = 4096;

/** Port of the preview proxy inside the sandbox (`previewUrl`). */
export const PREVIEW_PORT = 20000;

/** Where `writeEnvFile` writes variables inside the sandbox. */
export const SANDBOX_ENV_FILE_PATH = "/tmp/.proliferate_env.json";

/** Where `CreateSandboxOpts.triggerContext` is written, relative to the workspace. */
export const TRIGGER_CONTEXT_PATH = ".proliferate/trigger-context.json";

/** Limits of configuration-level service commands (`save_service_commands`). */
export const SERVICE_COMMAND_LIMITS: {
  readonly nameMaxLength: 100;
  readonly commandMaxLength: 1000;
  readonly cwdMaxLength: 500;
  readonly workspacePathMaxLength: 500;
  readonly minCommands: 1;
  readonly maxCommands: 10;
} = {
  nameMaxLength: 100,
  commandMaxLength: 1000,
  cwdMaxLength: 500,
  workspacePathMaxLength: 500,
  minCommands: 1,
  maxCommands: 10,
};
