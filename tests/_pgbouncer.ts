/**
 * A real PgBouncer in front of the test server, for the tests that run the migration runner
 * through a connection pooler.
 *
 * {@linkcode startPgBouncer} writes an ini and an auth file into a temporary folder, starts
 * Debian's `pgbouncer` on a free loopback port in `session` or `transaction` pool mode, waits
 * until it answers a query, and stops it on dispose (`await using`). Every database of the test
 * server is reachable through it under its own name, with the user and password of
 * `DATABASE_URL` (PostgreSQL 15 with trust auth, or embedded 18 with `postgres`/`postgres`).
 *
 * The pooler is set up the way a managed one is: only `extra_float_digits` is ignored among
 * startup parameters (so a client that sends `lock_timeout` at startup is refused, as in
 * production), the pool is small, and `server_reset_query` keeps its default (`DISCARD ALL`,
 * run in session mode only). Idle server connections are handed out round-robin, so that once
 * {@linkcode fillPool} has opened the whole pool, consecutive transactions of one client reach
 * different server connections: state a client leaves on a server connection (a `SET`, a
 * session advisory lock, a named prepared statement) is then missing from its next transaction
 * and visible to other clients, as on a busy pooler.
 *
 * Without the binary the pooler tests are skipped with one line naming the package to install
 * ({@linkcode PGBOUNCER_SKIP_REASON}); in CI (`CI=true`) a missing binary fails them instead.
 *
 * @module
 */
import postgres from "postgres";
import { serverUrl } from "./_db.ts";

/** How PgBouncer hands server connections to clients. */
export type PoolMode = "session" | "transaction";

/** Both pool modes, in the order the tests run them. */
export const POOL_MODES: readonly PoolMode[] = ["session", "transaction"];

/** Options of {@linkcode startPgBouncer}. */
export interface PgBouncerOptions {
  /** Pool mode. */
  poolMode: PoolMode;
  /** Server connections per database and user (`default_pool_size`). Default 4. */
  poolSize?: number;
}

/** A running PgBouncer; `await using` stops it and removes its folder. */
export interface PgBouncer {
  /** The pool mode it runs in. */
  poolMode: PoolMode;
  /** Loopback port it listens on. */
  port: number;
  /** Server connections per database and user. */
  poolSize: number;
  /** Connection string of database `name` through the pooler. */
  url(name: string): string;
  /** What PgBouncer has logged so far (for failure messages). */
  log(): Promise<string>;
  /** PgBouncer's running settings, read from its admin console (`SHOW CONFIG`). */
  showConfig(): Promise<Record<string, string>>;
  /** Stops PgBouncer and removes its folder. */
  [Symbol.asyncDispose](): Promise<void>;
}

const CANDIDATES = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

/** Path of the `pgbouncer` binary (`PGBOUNCER` overrides), or `undefined` when it is missing. */
export function pgbouncerBinary(): string | undefined {
  const override = Deno.env.get("PGBOUNCER");
  const paths = override ? [override] : [
    ...CANDIDATES,
    ...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean).map((dir) => `${dir}/pgbouncer`),
  ];
  for (const path of paths) {
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The one line printed when the pooler tests are skipped. */
export const PGBOUNCER_SKIP_REASON =
  "PgBouncer not found: the connection-pooler tests are skipped (apt-get install pgbouncer)";

/**
 * Whether the pooler tests must be skipped: the binary is missing and this is not CI (where a
 * missing binary is a failure). Prints {@linkcode PGBOUNCER_SKIP_REASON} once when it skips.
 */
export function skipPoolerTests(): boolean {
  if (pgbouncerBinary() !== undefined || Deno.env.get("CI") === "true") return false;
  if (!skipAnnounced) {
    skipAnnounced = true;
    console.warn(PGBOUNCER_SKIP_REASON);
  }
  return true;
}
let skipAnnounced = false;

/** Starts PgBouncer in front of the test server (`DATABASE_URL`) and waits until it answers. */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  if (!binary) {
    throw new Error(
      "PgBouncer is not installed, and CI=true requires the connection-pooler tests: " +
        "apt-get install pgbouncer",
    );
  }
  const server = new URL(serverUrl());
  const user = decodeURIComponent(server.username) || "postgres";
  const password = decodeURIComponent(server.password);
  const poolSize = options.poolSize ?? 4;
  const dir = await Deno.makeTempDir({ prefix: "proliferate-core-pgbouncer-" });
  // pgbouncer refuses to run as root: it then runs as `postgres`, which must write its log here.
  const asRoot = Deno.uid() === 0;
  await Deno.chmod(dir, asRoot ? 0o777 : 0o700);
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  await Deno.writeTextFile(`${dir}/userlist.txt`, `${quote(user)} ${quote(password)}\n`);
  let lastError = "";
  // The free port is picked before pgbouncer binds it; another process may take it first.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/pgbouncer.ini`,
      iniFile({
        dir,
        port,
        serverHost: server.hostname,
        serverPort: server.port || "5432",
        poolMode: options.poolMode,
        poolSize,
        // With a password the client proves it (SCRAM); a trust server has none to check.
        authType: password ? "scram-sha-256" : "trust",
        user,
      }),
    );
    await Deno.remove(`${dir}/pgbouncer.log`).catch(() => {});
    const child = new Deno.Command(binary, {
      args: [...(asRoot ? ["-u", "postgres"] : []), `${dir}/pgbouncer.ini`],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const exited = child.status.then((status) => status);
    const log = () => Deno.readTextFile(`${dir}/pgbouncer.log`).catch(() => "");
    const url = (name: string) => {
      const through = new URL(server.toString());
      through.hostname = "127.0.0.1";
      through.port = String(port);
      through.pathname = `/${name}`;
      return through.toString();
    };
    const ready = await waitUntilReady(url(server.pathname.slice(1) || "postgres"), exited);
    if (ready === "ready") {
      let stopped = false;
      return {
        poolMode: options.poolMode,
        port,
        poolSize,
        url,
        log,
        showConfig: () => showConfig(url("pgbouncer")),
        async [Symbol.asyncDispose]() {
          if (!stopped) {
            stopped = true;
            try {
              child.kill("SIGTERM");
            } catch {
              // Already gone.
            }
            await exited;
          }
          await Deno.remove(dir, { recursive: true }).catch(() => {});
        },
      };
    }
    if (ready === "timeout") {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await exited;
    lastError = lastLines(await log());
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  throw new Error(`PgBouncer did not start: ${lastError || "no log"}`);
}

interface IniOptions {
  dir: string;
  port: number;
  serverHost: string;
  serverPort: string;
  poolMode: PoolMode;
  poolSize: number;
  authType: string;
  user: string;
}

function iniFile(o: IniOptions): string {
  return [
    "[databases]",
    // Fallback: every database name reaches the database of that name on the test server.
    `* = host=${o.serverHost} port=${o.serverPort}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${o.port}`,
    "unix_socket_dir =",
    `logfile = ${o.dir}/pgbouncer.log`,
    `pidfile = ${o.dir}/pgbouncer.pid`,
    `auth_type = ${o.authType}`,
    `auth_file = ${o.dir}/userlist.txt`,
    `admin_users = ${o.user}`,
    `pool_mode = ${o.poolMode}`,
    `default_pool_size = ${o.poolSize}`,
    "min_pool_size = 0",
    "reserve_pool_size = 0",
    "max_client_conn = 100",
    // Only what drivers send and PgBouncer cannot track; never lock_timeout or statement_timeout.
    "ignore_startup_parameters = extra_float_digits",
    // A client that waits longer than this for a server connection gets an error, not a hang.
    "query_wait_timeout = 60",
    // Idle server connections are handed out in turn, not most recently used first: once the
    // pool holds several, a client's consecutive transactions (transaction mode) land on
    // different server connections, as on a busy pooler, so session state cannot carry over.
    "server_round_robin = 1",
    "server_login_retry = 1",
    "",
  ].join("\n");
}

async function waitUntilReady(
  url: string,
  exited: Promise<Deno.CommandStatus>,
): Promise<"ready" | "exited" | "timeout"> {
  let gone = false;
  exited.then(() => gone = true);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) return "exited";
    const client = postgres(url, {
      max: 1,
      prepare: false,
      onnotice: () => {},
      connect_timeout: 2,
    });
    try {
      await client`select 1`;
      return "ready";
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end({ timeout: 1 }).catch(() => {});
    }
  }
  return "timeout";
}

/**
 * Opens the whole pool for database `name`: `poolSize` transactions at once through the pooler,
 * each held open until all have started, so each sits on its own server connection. Returns
 * what each saw of `lock_timeout` and `statement_timeout`, which shows what earlier clients left
 * behind on the pooled server connections (`lock_timeout=0 statement_timeout=0` when nothing).
 */
export async function fillPool(bouncer: PgBouncer, name: string): Promise<string[]> {
  // Unnamed statements: a named one prepared on one server connection is unknown on the next.
  const client = postgres(bouncer.url(name), {
    max: bouncer.poolSize,
    prepare: false,
    onnotice: () => {},
  });
  try {
    let arrived = 0;
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => release = resolve);
    return await Promise.all(
      Array.from({ length: bouncer.poolSize }, () =>
        client.begin(async (tx) => {
          const [row] = await tx<{ line: string }[]>`
            select 'lock_timeout=' || current_setting('lock_timeout')
              || ' statement_timeout=' || current_setting('statement_timeout') as line`;
          if (++arrived === bouncer.poolSize) release();
          await allStarted;
          return row.line;
        }) as Promise<string>),
    );
  } finally {
    await client.end();
  }
}

async function showConfig(url: string): Promise<Record<string, string>> {
  // The admin console speaks the simple query protocol only.
  const admin = postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
  try {
    const rows = await admin<{ key: string; value: string }[]>`show config`.simple();
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  } finally {
    await admin.end({ timeout: 1 });
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ");
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
