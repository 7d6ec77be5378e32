/**
 * The operators' CLI of `@proliferate/core`: `status`, `plan`, `verify` and `migrate` against
 * the database at `--url` or `DATABASE_URL`, with nothing cloned:
 *
 * ```sh
 * deno run -A jsr:@proliferate/core/cli status
 * deno run -A jsr:@proliferate/core/cli plan --json
 * ```
 *
 * - `status`: each migration applied, adoptable or pending; whether the history is recognised;
 *   the server's version.
 * - `plan`: a dry run of `migrate`: each step, every precheck with what it finds, the work
 *   (backfilled rows, indexes built, constraints validated); read-only, ACCESS SHARE locks only.
 * - `verify`: the live catalog against what the applied migrations produce; every difference.
 * - `migrate`: applies the pending migrations and reports progress as it goes.
 *
 * `status`, `plan` and `verify` run in one `BEGIN READ ONLY` transaction and set their timeouts
 * with `SET LOCAL`, so they also work through PgBouncer in transaction mode; so does `migrate`,
 * whose runner sets its timeouts per file with `SET LOCAL` and serialises with a
 * transaction-level advisory lock.
 *
 * Output is for people by default; `--json` prints one JSON document on stdout instead (progress
 * of `migrate` then goes to stderr). Errors are one line on stderr, never with a password.
 *
 * Exit codes:
 *
 * | code | meaning                                                                        |
 * | ---- | ------------------------------------------------------------------------------ |
 * | 0    | done: up to date or applied, no blocker, no drift                              |
 * | 1    | usage: unknown command or option, no URL or a malformed one                    |
 * | 2    | refused: `plan` found blockers, or `migrate` refused; nothing was changed      |
 * | 3    | drift: `verify` found differences                                              |
 * | 4    | unreachable: the server cannot be reached, or refused the login or database    |
 * | 5    | unsupported: the server is not PostgreSQL 15 or newer                          |
 * | 6    | failed: a migration failed mid-run; the files applied before it stay applied   |
 *
 * `status` exits 0 whenever it could read the database, whatever it found.
 *
 * @example Run from code (returns the exit code)
 * ```ts ignore
 * import { main } from "@proliferate/core/cli";
 * Deno.exit(await main(["verify", "--url", Deno.env.get("DATABASE_URL")!]));
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { MigrationEntry } from "../migrate/types.ts";
import { migrations as bundledMigrations } from "../migrations/bundle.ts";
import { CliError, type Database, EXIT, type ExitCode, openDatabase } from "./db.ts";
import { formatStatus, status } from "./status.ts";
import { formatPlan, plan } from "./plan.ts";
import { formatVerify, verify } from "./verify.ts";
import { formatMigrate, migrateCommand } from "./migrate.ts";
import { redactText, redactUrl } from "./url.ts";

export { EXIT, type ExitCode, type ServerInfo } from "./db.ts";
export { redactText, redactUrl } from "./url.ts";
export type { MigrationState, StatusReport } from "./status.ts";
export type { HistoryAnalysis, HistoryKind, RecordedMigration } from "../migrate/history.ts";
export type { PrecheckFinding } from "../migrate/precheck.ts";
export type { MigrationFailure, MigrationProgress } from "../migrate/runner.ts";
export type { MigrationEntry } from "../migrate/types.ts";
export type { Blocker, PlanReport, PlanStep, WorkItem } from "./plan.ts";
export type { VerifyReport } from "./verify.ts";
export type { MigrateCommandReport, MigrateEvent } from "./migrate.ts";

const COMMANDS = ["status", "plan", "verify", "migrate"] as const;
type Command = typeof COMMANDS[number];

const COMMON_HELP = `Options:
  --url <url>   PostgreSQL URL (default: DATABASE_URL)
  --json        print one JSON document on stdout instead of text
  -h, --help    this help`;

const HELP: Record<Command | "tool", string> = {
  tool: `proliferate-core: the operators' CLI of @proliferate/core

Usage: deno run -A jsr:@proliferate/core/cli <command> [options]

Commands:
  status    each migration applied, adoptable or pending; the history; the server version
  plan      dry run of migrate: steps, prechecks, blockers with their fix, work estimate
  verify    the live catalog against what the applied migrations produce
  migrate   apply the pending migrations, with progress

${COMMON_HELP}

Exit codes: 0 ok, 1 usage, 2 refused (blockers), 3 drift, 4 unreachable or login refused,
5 server not PostgreSQL 15+, 6 a migration failed mid-run.
Run <command> --help for the command's own help.`,
  status: `Usage: proliferate-core status [options]

Lists each migration of this package as applied, adoptable (a pre-vNext database whose catalog
is the baseline's: migrate records 0000 without running it), not-adoptable or pending; says
whether the recorded history is recognised; prints the server's version. Read-only.
Exit: 0 when the database could be read; 1, 4, 5 as for every command.

${COMMON_HELP}`,
  plan: `Usage: proliferate-core plan [options]

Dry run of migrate: what it would do file by file, every precheck it would run and what each
finds, and the work (rows backfilled, indexes built, constraints validated, from table sizes).
Read-only, in one READ ONLY transaction with ACCESS SHARE locks only: safe on production.
Every blocker names the table, column, value, row ids and the fix.
Exit: 0 migrate would go through; 2 it would refuse.

${COMMON_HELP}`,
  verify: `Usage: proliferate-core verify [options]

Compares the live catalog (tables, columns, constraints with validity, indexes, policies,
functions) with the one this package's migrations produce up to the last one applied (the
baseline for a pre-vNext database) and lists every difference. Read-only.
Exit: 0 no drift; 3 drift.

${COMMON_HELP}`,
  migrate: `Usage: proliferate-core migrate [options]

Applies the pending migrations, each in its own transaction, and reports each as it starts and
ends, and any statement still running after a few seconds (for an index build, its phase).
Run plan first. Works through PgBouncer in session or transaction mode; a direct connection is
best when the deploy environment has one.
Exit: 0 applied or up to date; 2 refused, nothing changed; 6 failed mid-run.

Online upgrade: the precheck of 0001_vnext_expand runs first, read-only, while the pre-vNext
application still writes; then --before-expand runs (stop the pre-vNext writers there; a
non-zero exit stops migrate with nothing changed), then 0001 (catalog work only: start the vNext
writers once it reports done), then the backfill in batches and the rest, online.

${COMMON_HELP}
  --before-expand <command>    shell command (sh -c) run once the precheck passed, right
                               before 0001_vnext_expand; migrate waits for it
  --lock-timeout-ms <ms>       lock_timeout of one attempt (default 1500)
  --lock-retry-budget-ms <ms>  time one file may spend retrying lock waits (default 180000)
  --statement-timeout-ms <ms>  statement_timeout of the runner
  --progress-after-ms <ms>     report a statement running this long (default 3000)`,
};

/** Options of {@linkcode main}, for embedding and tests. */
export interface MainOptions {
  /** The migrations to use; the ones this package ships by default. */
  migrations?: readonly MigrationEntry[];
  /** Where stdout lines go (default `console.log`). */
  stdout?: (line: string) => void;
  /** Where stderr lines go (default `console.error`). */
  stderr?: (line: string) => void;
  /** The URL when neither `--url` nor `DATABASE_URL` gives one. */
  defaultUrl?: string;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit code; it never
 * throws for an expected failure and never exits the process.
 */
export async function main(args: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const out = options.stdout ?? ((line: string) => console.log(line));
  const err = options.stderr ?? ((line: string) => console.error(line));
  const entries = options.migrations ?? bundledMigrations;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        "lock-timeout-ms": { type: "string" },
        "lock-retry-budget-ms": { type: "string" },
        "statement-timeout-ms": { type: "string" },
        "progress-after-ms": { type: "string" },
        "before-expand": { type: "string" },
      },
    });
  } catch (error) {
    err(`proliferate-core: ${firstLine(error)}; see --help`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] as Command | undefined;
  if (positionals.length === 0) {
    if (values.help) {
      out(HELP.tool);
      return EXIT.ok;
    }
    err(`proliferate-core: no command given; one of ${COMMANDS.join(", ")} (see --help)`);
    return EXIT.usage;
  }
  if (!COMMANDS.includes(command as Command) || positionals.length > 1) {
    err(
      `proliferate-core: unknown command ${JSON.stringify(positionals.join(" "))}; one of ` +
        `${COMMANDS.join(", ")} (see --help)`,
    );
    return EXIT.usage;
  }
  const name = command as Command;
  if (values.help) {
    out(HELP[name]);
    return EXIT.ok;
  }
  const json = values.json === true;
  const fail = (code: ExitCode, message: string): ExitCode => {
    err(`proliferate-core ${name}: ${message}`);
    if (json) out(JSON.stringify({ command: name, ok: false, exitCode: code, error: message }));
    return code;
  };
  const numbers: Record<string, number | undefined> = {};
  const numericOptions = [
    "lock-timeout-ms",
    "lock-retry-budget-ms",
    "statement-timeout-ms",
    "progress-after-ms",
  ] as const;
  for (const key of numericOptions) {
    const raw = values[key];
    if (raw === undefined) continue;
    if (name !== "migrate") return fail(EXIT.usage, `--${key} applies to migrate only`);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      return fail(EXIT.usage, `--${key} must be a whole number of milliseconds, not ${raw}`);
    }
    numbers[key] = value;
  }
  const beforeExpand = values["before-expand"];
  if (beforeExpand !== undefined && name !== "migrate") {
    return fail(EXIT.usage, "--before-expand applies to migrate only");
  }
  if (beforeExpand !== undefined && beforeExpand.trim() === "") {
    return fail(
      EXIT.usage,
      "--before-expand needs a command, e.g. --before-expand './stop-writers.sh'",
    );
  }
  const url = values.url ?? envUrl() ?? options.defaultUrl;
  if (!url) {
    return fail(EXIT.usage, "no database: pass --url postgres://… or set DATABASE_URL");
  }
  try {
    if (name === "migrate") {
      const db = await openDatabase(url);
      await db.close();
      if (!json) out(`database: ${redactUrl(url)} (PostgreSQL ${db.server.version})`);
      const report = await migrateCommand({
        url,
        entries,
        lockTimeoutMs: numbers["lock-timeout-ms"],
        lockRetryBudgetMs: numbers["lock-retry-budget-ms"],
        statementTimeoutMs: numbers["statement-timeout-ms"],
        progressAfterMs: numbers["progress-after-ms"],
        beforeExpand: beforeExpand === undefined
          ? undefined
          : () => runShellCommand(beforeExpand, json ? err : out),
        print: json ? err : out,
      });
      if (json) out(JSON.stringify(report));
      else for (const line of formatMigrate(report)) out(line);
      if (report.error) {
        err(`proliferate-core migrate: ${report.error.message}`);
        return report.error.exitCode;
      }
      return EXIT.ok;
    }
    const db = await openDatabase(url);
    try {
      return await readCommand(name, db, entries, json, out, url);
    } finally {
      await db.close().catch(() => {});
    }
  } catch (error) {
    if (error instanceof CliError) return fail(error.exitCode, error.message);
    return fail(EXIT.failed, `unexpected error: ${redactText(firstLine(error), url)}`);
  }
}

async function readCommand(
  name: Exclude<Command, "migrate">,
  db: Database,
  entries: readonly MigrationEntry[],
  json: boolean,
  out: (line: string) => void,
  url: string,
): Promise<ExitCode> {
  const header = `database: ${redactUrl(url)}`;
  if (name === "status") {
    const report = await status(db, entries);
    if (json) out(JSON.stringify(report));
    else for (const line of [header, ...formatStatus(report)]) out(line);
    return EXIT.ok;
  }
  if (name === "plan") {
    const report = await plan(db, entries);
    if (json) out(JSON.stringify(report));
    else for (const line of [header, ...formatPlan(report)]) out(line);
    return report.refused ? EXIT.refused : EXIT.ok;
  }
  const report = await verify(db, entries);
  if (json) out(JSON.stringify(report));
  else for (const line of [header, ...formatVerify(report)]) out(line);
  return report.drift ? EXIT.drift : EXIT.ok;
}

function envUrl(): string | undefined {
  try {
    return Deno.env.get("DATABASE_URL") || undefined;
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0];
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

/**
 * Runs `command` with `sh -c`, its output passed on line by line to `print`; rejects with one
 * line when it cannot start or exits non-zero.
 */
async function runShellCommand(command: string, print: (line: string) => void): Promise<void> {
  print(`before-expand: running ${JSON.stringify(command)}`);
  let output;
  try {
    output = await new Deno.Command("sh", { args: ["-c", command], stdin: "null" }).output();
  } catch (error) {
    throw new Error(`--before-expand could not start sh: ${firstLine(error)}`);
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  for (const line of text.split("\n")) if (line.trim() !== "") print(`before-expand: ${line}`);
  if (!output.success) {
    throw new Error(
      `--before-expand ${JSON.stringify(command)} exited with code ${output.code}`,
    );
  }
}
