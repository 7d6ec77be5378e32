/**
 * Connecting the operators' CLI to PostgreSQL: exit codes, the one-line errors of the expected
 * failures (bad URL, unreachable server, refused login, unsupported server), and the read-only
 * transaction that `status`, `plan` and `verify` run in.
 *
 * Connections use postgres.js with `prepare: false` and send no timeout as a startup parameter:
 * timeouts are set with `SET LOCAL` inside the transaction, so the read-only commands also work
 * through PgBouncer in transaction mode.
 *
 * @module
 */
import postgres from "postgres";
import { BadUrlError, checkDatabaseUrl, redactText } from "./url.ts";

/** Exit codes of the CLI, one per outcome. */
export const EXIT = {
  /** Done: nothing refused, no drift. */
  ok: 0,
  /** Bad usage: unknown command or option, missing or malformed URL. */
  usage: 1,
  /** `migrate` refused (or `plan` found it would refuse); nothing was changed. */
  refused: 2,
  /** `verify` found the catalog differs from what the applied migrations produce. */
  drift: 3,
  /** The server could not be reached, or refused the login or the database. */
  unreachable: 4,
  /** The server is not PostgreSQL 15 or newer. */
  unsupported: 5,
  /** `migrate` failed during a migration; files applied before it stay applied. */
  failed: 6,
} as const;

/** One of the values of {@linkcode EXIT}. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];

/** An expected failure: one line for the operator, and the exit code that goes with it. */
export class CliError extends Error {
  /** The process exit code for this failure. */
  readonly exitCode: ExitCode;
  /** Creates the error; `message` must already be redacted. */
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** The server a command talks to. */
export interface ServerInfo {
  /** `server_version`, e.g. `15.8 (Debian 15.8-0+deb12u1)`. */
  version: string;
  /** `server_version_num`, e.g. `150008`. */
  versionNum: number;
}

/** The oldest server the package supports (`server_version_num`). */
export const MIN_SERVER_VERSION_NUM = 150000;

/** An open connection with what the server said about itself. */
export interface Database {
  /** A one-connection postgres.js client (`prepare: false`). */
  sql: postgres.Sql;
  /** The server's version. */
  server: ServerInfo;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** The `application_name` of the CLI's connections. */
export const APPLICATION_NAME = "proliferate-core-cli";

/**
 * Connects to `url` and checks the server: a {@linkcode CliError} with exit code `usage` for a
 * bad URL, `unreachable` for a server that cannot be reached or refuses the login, `unsupported`
 * for a server older than PostgreSQL 15.
 */
export async function openDatabase(
  url: string,
  applicationName = APPLICATION_NAME,
): Promise<Database> {
  try {
    checkDatabaseUrl(url);
  } catch (error) {
    if (error instanceof BadUrlError) throw new CliError(EXIT.usage, error.message);
    throw error;
  }
  const sql = postgres(url, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 0,
    connection: { application_name: applicationName },
  });
  let row: { version: string; num: string };
  try {
    [row] = await sql<{ version: string; num: string }[]>`
      select current_setting('server_version') as version,
             current_setting('server_version_num') as num`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw connectionError(error, url);
  }
  const server = { version: row.version, versionNum: Number(row.num) };
  const unsupported = unsupportedServer(server);
  if (unsupported) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw unsupported;
  }
  return { sql, server, close: () => sql.end({ timeout: 5 }) };
}

/**
 * The error for a server older than PostgreSQL 15 (or one that reports no usable version, as
 * some PostgreSQL-compatible servers do), else `null`.
 */
export function unsupportedServer(server: ServerInfo): CliError | null {
  if (server.versionNum >= MIN_SERVER_VERSION_NUM) return null;
  return new CliError(
    EXIT.unsupported,
    `the server runs PostgreSQL ${server.version}; this package needs PostgreSQL 15 or newer`,
  );
}

/** Turns a driver error met while connecting into a one-line {@linkcode CliError}. */
export function connectionError(error: unknown, url: string): CliError {
  const code = String((error as { code?: unknown }).code ?? "");
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactText(raw.split("\n")[0], url);
  let where = "the server";
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    // checkDatabaseUrl already accepted it.
  }
  if (code === "28P01" || code === "28000") {
    return new CliError(
      EXIT.unreachable,
      `the server at ${where} refused the login (${message}); check the user and password`,
    );
  }
  if (code === "3D000") {
    return new CliError(
      EXIT.unreachable,
      `the server at ${where} has no such database (${message}); check the URL's database name`,
    );
  }
  if (/^(28|08|53|57P0)/.test(code)) {
    return new CliError(
      EXIT.unreachable,
      `the server at ${where} refused the connection (${message})`,
    );
  }
  return new CliError(
    EXIT.unreachable,
    `cannot reach PostgreSQL at ${where} (${code || message}); check the host, the port and ` +
      "that the server is running",
  );
}

/**
 * Runs `work` in one `BEGIN READ ONLY` transaction with `lock_timeout` and `statement_timeout`
 * set locally: a consistent snapshot, no write, and only the ACCESS SHARE locks of plain reads.
 *
 * When `PROLIFERATE_CLI_HOLD_MS` is set (a test hook), the transaction stays open that long after
 * the work, so a test can read `pg_locks` while it holds its locks.
 */
export async function readOnly<T>(
  db: Database,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  const result = await db.sql.begin("read only", async (tx) => {
    await tx.unsafe("set local lock_timeout = '5s'");
    await tx.unsafe("set local statement_timeout = '10min'");
    await tx.unsafe("set local idle_in_transaction_session_timeout = '15min'");
    const value = await work(tx);
    const hold = holdMs();
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    return value;
  });
  return result as T;
}

function holdMs(): number {
  try {
    return Number(Deno.env.get("PROLIFERATE_CLI_HOLD_MS") ?? 0) || 0;
  } catch {
    return 0;
  }
}
