/**
 * The sandbox provider contract: how the gateway creates, snapshots, pauses, restores and destroys
 * the compute sandboxes (Modal, E2B) that sessions run in. Providers are stateless across calls;
 * `ensureSandbox()` and `terminate()` are idempotent; error text passes through `redactSecrets()`.
 *
 * @module
 */

/** Which compute provider runs a sandbox (also `sessions.sandbox_provider`, default `modal`). */
export type SandboxProviderType = "modal" | "e2b";

/** Every {@link SandboxProviderType}. */
export const SANDBOX_PROVIDER_TYPES: readonly ["modal", "e2b"] = ["modal", "e2b"];

/** Canonical model ids an agent can run with. */
export type ModelId = "claude-opus-4.6" | "claude-opus-4.5" | "claude-sonnet-4";

/** Every {@link ModelId}. */
export const MODEL_IDS: readonly ["claude-opus-4.6", "claude-opus-4.5", "claude-sonnet-4"] = [
  "claude-opus-4.6",
  "claude-opus-4.5",
  "claude-sonnet-4",
];

/** The model used when none is chosen. */
export const DEFAULT_MODEL_ID: ModelId = "claude-opus-4.6";

/** Agent kinds a sandbox can run. */
export type AgentType = "opencode";

/** Every {@link AgentType}. */
export const AGENT_TYPES: readonly ["opencode"] = ["opencode"];

/** The agent used when none is chosen. */
export const DEFAULT_AGENT_TYPE: AgentType = "opencode";

/** Agent and model chosen for a sandbox. */
export interface AgentConfig {
  /** Agent kind. */
  agentType: AgentType;
  /** Model the agent runs with. */
  modelId: ModelId;
}

/** A file read from a sandbox. */
export interface FileContent {
  /** Path relative to the folder that was read. */
  path: string;
  /** Raw bytes. */
  data: Uint8Array;
}

/** A per-repo command run automatically after boot. */
export interface ServiceCommand {
  /** Display name. */
  name: string;
  /** Shell command line. */
  command: string;
  /** Working directory, relative to the repo. */
  cwd?: string;
}

/**
 * A configuration-level command, saved by the `save_service_commands` tool. Limits: `name` 1–100
 * characters, `command` 1–1000, `cwd` and `workspacePath` at most 500; 1–10 commands per save.
 */
export interface PrebuildServiceCommand {
  /** Display name. */
  name: string;
  /** Shell command line. */
  command: string;
  /** Which repo of a multi-repo workspace it runs in (its `workspacePath`). */
  workspacePath?: string;
  /** Working directory, relative to the repo. */
  cwd?: string;
}

/** Captured result of one tested service command. */
export interface AutoStartOutputEntry {
  /** Command name. */
  name: string;
  /** Repo it ran in. */
  workspacePath?: string;
  /** Working directory. */
  cwd?: string;
  /** Captured output. */
  output: string;
  /** Exit code; `null` when the command had not exited when capture stopped. */
  exitCode: number | null;
  /** Path of the full log inside the sandbox. */
  logFile?: string;
}

/** Id of a filesystem snapshot. */
export interface SnapshotResult {
  /** Snapshot id; pass it as `CreateSandboxOpts.snapshotId` to boot from it. */
  snapshotId: string;
}

/** Id to resume a paused sandbox from. */
export interface PauseResult {
  /** Snapshot (or paused sandbox) id to resume from. */
  snapshotId: string;
}

/** A repo to clone into the workspace. */
export interface RepoSpec {
  /** Clone URL. */
  repoUrl: string;
  /** GitHub token for this repo (may differ per installation); never logged. */
  token?: string;
  /** Directory under the workspace (`"api"`, `"frontend"`). */
  workspacePath: string;
  /** Database repo id. */
  repoId?: string;
  /** Commands run automatically after boot. */
  serviceCommands?: ServiceCommand[];
}

/**
 * Session types a sandbox knows. Drives mode-specific tool injection (setup-only tools). The
 * database also stores `terminal`; map it with `toSandboxSessionType`.
 */
export type SandboxSessionType = "coding" | "setup" | "cli";

/** Every {@link SandboxSessionType}. */
export const SANDBOX_SESSION_TYPES: readonly ["coding", "setup", "cli"] = [
  "coding",
  "setup",
  "cli",
];

/** Everything a provider needs to create (or recover) a sandbox. */
export interface CreateSandboxOpts {
  /** Platform session id (Modal also uses it as the sandbox name). */
  sessionId: string;
  /** Session type; drives mode-specific tool injection. */
  sessionType?: SandboxSessionType | null;
  /** Repos to clone; always an array, `[]` for a scratch session. */
  repos: RepoSpec[];
  /** Branch to check out (providers fall back to the default branch). */
  branch: string;
  /** Environment injected into the sandbox; holds secrets, never logged. */
  envVars: Record<string, string>;
  /** Agent system prompt written into the sandbox. */
  systemPrompt: string;
  /** Restore from this snapshot instead of cloning. */
  snapshotId?: string;
  /** Pre-baked base filesystem to start from while still cloning fresh. */
  baseSnapshotId?: string;
  /** Agent and model. */
  agentConfig?: AgentConfig;
  /** Sandbox id stored for the session; `ensureSandbox` checks whether it is still alive. */
  currentSandboxId?: string;
  /** Authorised key for SSH access (CLI sessions). */
  sshPublicKey?: string;
  /** Written to `.proliferate/trigger-context.json`. */
  triggerContext?: Record<string, unknown>;
  /** The snapshot already has installed dependencies; gates service auto-start. */
  snapshotHasDeps?: boolean;
  /** Resolved commands (configuration-level, else the repos' own). */
  serviceCommands?: PrebuildServiceCommand[];
  /** Env-file generation spec applied at boot before auto-start; opaque to providers. */
  envFiles?: unknown;
  /** Git author name configured at boot. */
  userName?: string;
  /** Git author email configured at boot. */
  userEmail?: string;
}

/** Connection info of a sandbox. */
export interface CreateSandboxResult {
  /** Provider's sandbox id. */
  sandboxId: string;
  /** OpenCode API URL (port 4096). */
  tunnelUrl: string;
  /** Preview proxy URL (port 20000). */
  previewUrl: string;
  /** SSH host. */
  sshHost?: string;
  /** SSH port. */
  sshPort?: number;
  /** Epoch milliseconds at which the provider kills the sandbox. */
  expiresAt?: number;
}

/** Result of `ensureSandbox`. */
export interface EnsureSandboxResult extends CreateSandboxResult {
  /** True when a live sandbox was reused rather than created. */
  recovered: boolean;
}

/** Fresh URLs of an existing sandbox. */
export interface SandboxTunnels {
  /** OpenCode API URL. */
  openCodeUrl: string;
  /** Preview proxy URL. */
  previewUrl: string;
}

/** Options of `testServiceCommands`. */
export interface TestServiceCommandsOpts {
  /** How long to let the commands run before capturing. */
  timeoutMs: number;
  /** Id of this test run (names its log files). */
  runId: string;
}

/** Options of `execCommand`. */
export interface ExecCommandOpts {
  /** Working directory. */
  cwd?: string;
  /** Timeout; default 30 000 ms. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Output of `execCommand`. */
export interface ExecCommandResult {
  /** Captured standard output. */
  stdout: string;
  /** Captured standard error. */
  stderr: string;
  /** Exit code. */
  exitCode: number;
}

/** Id of a memory snapshot (Modal prefixes these ids with `mem:`). */
export interface MemorySnapshotResult {
  /** Snapshot id; pass it to `restoreFromMemorySnapshot`. */
  snapshotId: string;
}

/** Options of `restoreFromMemorySnapshot`. */
export interface RestoreFromMemorySnapshotOpts {
  /** Environment to (re)inject after the thaw. */
  envVars?: Record<string, string>;
  /**
   * Repos with fresh tokens: the restore flow rewrites git credentials with them and pulls them
   * (`git pull --ff-only`) before returning, when the pull cadence allows.
   */
  repos?: RepoSpec[];
}

/**
 * A compute provider. Stateless across calls. Capability flags are explicit; callers branch on them
 * and never assume a capability. Errors are `SandboxProviderError`s with redacted text.
 */
export interface SandboxProvider {
  /** Provider kind. */
  readonly type: SandboxProviderType;
  /** Can pause and later resume the same sandbox (E2B true, Modal false). */
  readonly supportsPause?: boolean;
  /** Pauses by itself on expiry, so idle sessions need no explicit snapshot (E2B true, Modal false). */
  readonly supportsAutoPause?: boolean;
  /**
   * Can freeze and restore process memory. When true, `memorySnapshot` and
   * `restoreFromMemorySnapshot` both exist; narrow with `isMemorySnapshotCapable`.
   */
  readonly supportsMemorySnapshot?: boolean;

  /** Preferred entry: recover the live sandbox in `opts.currentSandboxId`, else create one. Idempotent. */
  ensureSandbox(opts: CreateSandboxOpts): Promise<EnsureSandboxResult>;
  /** Always creates a new sandbox (from `opts.snapshotId` when given). */
  createSandbox(opts: CreateSandboxOpts): Promise<CreateSandboxResult>;
  /** Takes a filesystem snapshot of a running sandbox. */
  snapshot(sessionId: string, sandboxId: string): Promise<SnapshotResult>;
  /** Pauses a sandbox; E2B maps `snapshot` onto it; Modal throws `SandboxProviderError`. */
  pause(sessionId: string, sandboxId: string): Promise<PauseResult>;
  /** Destroys a sandbox; "not found" counts as success. Modal keys by session id, E2B by sandbox id. */
  terminate(sessionId: string, sandboxId?: string): Promise<void>;
  /** Writes variables to `/tmp/.proliferate_env.json` inside the sandbox. */
  writeEnvFile(sandboxId: string, envVars: Record<string, string>): Promise<void>;
  /** Whether the provider API is reachable. */
  health(): Promise<boolean>;
  /** Which of the ids are still alive; no side effects. */
  checkSandboxes?(sandboxIds: string[]): Promise<string[]>;
  /** Fresh tunnel URLs for an existing sandbox. */
  resolveTunnels?(sandboxId: string): Promise<SandboxTunnels>;
  /** Reads a folder (absolute path) recursively. */
  readFiles?(sandboxId: string, folderPath: string): Promise<FileContent[]>;
  /** Runs saved commands only (never arbitrary input) and captures their output. */
  testServiceCommands?(
    sandboxId: string,
    commands: PrebuildServiceCommand[],
    opts: TestServiceCommandsOpts,
  ): Promise<AutoStartOutputEntry[]>;
  /** Runs `argv` without a shell; default timeout 30 000 ms. */
  execCommand?(
    sandboxId: string,
    argv: string[],
    opts?: ExecCommandOpts,
  ): Promise<ExecCommandResult>;
  /**
   * Freezes memory and filesystem of a running sandbox and returns the id to restore. Open TCP
   * connections drop; in-flight tool callbacks are retried with the same `tool_call_id`.
   */
  memorySnapshot?(sessionId: string, sandboxId: string): Promise<MemorySnapshotResult>;
  /**
   * Boots a sandbox from a memory snapshot and returns its connection info. Before returning it
   * rewrites git credentials with fresh tokens and pulls (`git pull --ff-only`) when
   * `SANDBOX_GIT_PULL_ON_RESTORE` and the `SANDBOX_GIT_PULL_CADENCE_SECONDS` cadence allow.
   */
  restoreFromMemorySnapshot?(
    sessionId: string,
    snapshotId: string,
    opts?: RestoreFromMemorySnapshotOpts,
  ): Promise<CreateSandboxResult>;
}

/** A {@link SandboxProvider} known to support memory snapshots, with both methods present. */
export interface MemorySnapshotCapableProvider extends SandboxProvider {
  /** Always true. */
  readonly supportsMemorySnapshot: true;
  /** See {@link SandboxProvider.memorySnapshot}. */
  memorySnapshot(sessionId: string, sandboxId: string): Promise<MemorySnapshotResult>;
  /** See {@link SandboxProvider.restoreFromMemorySnapshot}. */
  restoreFromMemorySnapshot(
    sessionId: string,
    snapshotId: string,
    opts?: RestoreFromMemorySnapshotOpts,
  ): Promise<CreateSandboxResult>;
}

/**
 * Whether `provider` can take and restore memory snapshots: its flag is true and both methods
 * exist. A provider whose flag is true but lacks a method is treated as not capable.
 *
 * @example
 * ```ts
 * import { isMemorySnapshotCapable, type SandboxProvider } from "@proliferate/core/sandbox";
 *
 * async function idle(provider: SandboxProvider, sessionId: string, sandboxId: string) {
 *   if (isMemorySnapshotCapable(provider)) {
 *     return (await provider.memorySnapshot(sessionId, sandboxId)).snapshotId;
 *   }
 *   return (await provider.snapshot(sessionId, sandboxId)).snapshotId;
 * }
 * ```
 */
export function isMemorySnapshotCapable(
  provider: SandboxProvider,
): provider is MemorySnapshotCapableProvider {
  return provider.supportsMemorySnapshot === true &&
    typeof provider.memorySnapshot === "function" &&
    typeof provider.restoreFromMemorySnapshot === "function";
}

/** Prefix of memory snapshot ids in `sessions.snapshot_id`. */
export const MEMORY_SNAPSHOT_ID_PREFIX = "mem:";

/**
 * Whether a stored snapshot id is a memory snapshot (it starts with `mem:`); such ids are restored
 * through `restoreFromMemorySnapshot`, others through `createSandbox({ snapshotId })`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMemorySnapshotId } from "@proliferate/core/sandbox";
 *
 * assert.equal(isMemorySnapshotId("mem:abc"), true);
 * assert.equal(isMemorySnapshotId("im-abc"), false);
 * assert.equal(isMemorySnapshotId(null), false);
 * ```
 */
export function isMemorySnapshotId(snapshotId: string | null | undefined): boolean {
  return typeof snapshotId === "string" && snapshotId.startsWith(MEMORY_SNAPSHOT_ID_PREFIX);
}
