/**
 * Consumer type check: how long `deno check` takes on a small gateway module that queries the
 * tables, for the package as it is and as it was before its exports had explicit types
 * (`BENCH_CONSUMER_BEFORE`, a git revision, default `a7dd54d`; skipped when git cannot read it).
 *
 * Two ways of consuming it are timed:
 *
 * - **JSR**: the package served by a local JSR stand-in (a `Deno.serve` on 127.0.0.1 that
 *   answers the registry's `meta.json`, `<version>_meta.json` and file requests from the files
 *   `deno publish` would upload) and imported as `jsr:@proliferate/core@0.1.0/schema`, with
 *   `JSR_URL` pointing at it. This is how a JSR consumer type-checks: Deno reads the package's
 *   fast-check (declared) types when it has no slow types, and infers the whole source when it
 *   has.
 * - **path**: the same source imported by file path; local modules are always type-checked in
 *   full, so explicit types do not help here.
 *
 * Each case is checked once to fill the caches (downloads, transpilation), then `runs` more
 * times with a fresh comment in the consumer so the type-check cache never answers; the median
 * wall time is reported. Everything lives in a temporary folder with its own DENO_DIR (npm
 * packages come from the registry) and is removed afterwards.
 *
 * Run alone: `deno run -A bench/consumer.ts` (writes `bench/results/consumer.md`). Options:
 * `BENCH_CONSUMER_RUNS` (default 3), `BENCH_CONSUMER_BEFORE`.
 *
 * @module
 */
import { median, ms, renderReport, type Section, table } from "./_report.ts";

const ROOT = new URL("../", import.meta.url);
const VERSION = "0.1.0";

// Uses only what both trees export: tables, row types, relations through db.query.
const CONSUMER = `
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "@proliferate/core/schema";
import type { NewSession, SessionRow } from "@proliferate/core/schema";

const { sessions, triggerEvents, actionInvocations, automations } = schema;
const db = drizzle(postgres("postgres://localhost/none"), { schema });

export async function gateway(organizationId: string): Promise<unknown> {
  const running: Pick<SessionRow, "id" | "status">[] = await db
    .select({ id: sessions.id, status: sessions.status }).from(sessions)
    .where(and(eq(sessions.status, "running"), eq(sessions.organizationId, organizationId)));
  const values: NewSession = { organizationId, clientType: "web" };
  await db.insert(sessions).values(values).returning({ id: sessions.id });
  await db.update(actionInvocations).set({ status: "expired", deniedReason: "expired" })
    .where(sql\`\${actionInvocations.expiresAt} < now()\`);
  const events = await db.select().from(triggerEvents).where(eq(triggerEvents.status, "queued"));
  const session = await db.query.sessions.findFirst({
    with: { triggerEvent: true, configuration: { columns: { id: true } }, automation: true },
  });
  const enabled = await db.query.automations.findMany({ where: eq(automations.enabled, true) });
  return { running, events, session, enabled };
}
`;

/** One timed case: which tree, consumed how, and its `deno check` times. */
interface Timing {
  tree: string;
  mode: "jsr" | "path";
  /** Wall time of each run. */
  runsMs: number[];
  /** CPU time (user + system) of each run, when `/usr/bin/time` can measure it. */
  cpuMs: number[];
}

/** One `deno check` run: wall and CPU time. */
interface Run {
  wallMs: number;
  cpuMs: number | undefined;
}

const TIME = "/usr/bin/time";
const hasTime = await Deno.stat(TIME).then(() => true, () => false);

async function git(args: string[]): Promise<Uint8Array | undefined> {
  const out = await new Deno.Command("git", { args, cwd: ROOT, stdout: "piped", stderr: "null" })
    .output().catch(() => undefined);
  return out?.success ? out.stdout : undefined;
}

/** Extracts the files `deno publish` uploads at `revision` (or the working tree) into `dir`. */
async function extractTree(revision: string | undefined, dir: string): Promise<boolean> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const include = (config.publish.include as string[]).map((path) => path.replace(/\/$/, ""));
  await Deno.mkdir(dir, { recursive: true });
  if (revision === undefined) {
    for (const path of include) {
      await new Deno.Command("cp", { args: ["-r", new URL(path, ROOT).pathname, dir] }).output();
    }
    return true;
  }
  const archive = await git(["archive", "--format=tar", revision, ...include]);
  if (!archive) return false;
  const tar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  const writer = tar.stdin.getWriter();
  await writer.write(archive);
  await writer.close();
  return (await tar.status).success;
}

async function listFiles(base: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(base + rel)) {
    if (entry.isDirectory) out.push(...await listFiles(base, `${rel}/${entry.name}`));
    else out.push(`${rel}/${entry.name}`);
  }
  return out;
}

/** Serves `dir` as `@proliferate/core@0.1.0` the way the JSR registry's API answers. */
async function serveAsJsr(dir: string): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const manifest: Record<string, { size: number; checksum: string }> = {};
  for (const file of await listFiles(dir)) {
    const data = await Deno.readFile(dir + file);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    manifest[file] = { size: data.length, checksum: `sha256-${hex}` };
  }
  const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
  const base = "/@proliferate/core/";
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === `${base}meta.json`) {
      return Response.json({
        scope: "proliferate",
        name: "core",
        latest: VERSION,
        versions: { [VERSION]: {} },
      });
    }
    if (path === `${base}${VERSION}_meta.json`) {
      return Response.json({ manifest, exports: config.exports });
    }
    if (
      path.startsWith(`${base}${VERSION}/`) && manifest[path.slice(base.length + VERSION.length)]
    ) {
      return new Response(await Deno.readFile(dir + path.slice(base.length + VERSION.length)));
    }
    return new Response("not found", { status: 404 });
  });
}

async function timeChecks(app: string, env: Record<string, string>, runs: number): Promise<Run[]> {
  const times: Run[] = [];
  const check = [Deno.execPath(), "check", "--quiet", "main.ts"];
  for (let run = 0; run <= runs; run++) {
    await Deno.writeTextFile(`${app}/main.ts`, `// run ${crypto.randomUUID()}\n${CONSUMER}`);
    const started = performance.now();
    const out = await new Deno.Command(hasTime ? TIME : check[0], {
      args: hasTime ? ["-f", "%U %S", "-o", `${app}/time.txt`, ...check] : check.slice(1),
      cwd: app,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - started;
    if (!out.success) {
      const detail = new TextDecoder().decode(out.stderr);
      throw new Error(`deno check of the consumer failed:\n${detail}`);
    }
    const cpuMs = hasTime
      ? (await Deno.readTextFile(`${app}/time.txt`)).trim().split(/\s+/).map(Number)
        .reduce((x, y) => x + y, 0) * 1000
      : undefined;
    if (run > 0) times.push({ wallMs, cpuMs }); // run 0 fills the caches
  }
  return times;
}

/** Times the consumer's type check against each tree, through JSR and by path. */
export async function runConsumer(log: (line: string) => void = console.log): Promise<Section> {
  const runs = Number(Deno.env.get("BENCH_CONSUMER_RUNS") ?? 3);
  const before = Deno.env.get("BENCH_CONSUMER_BEFORE") ?? "a7dd54d";
  const work = await Deno.makeTempDir({ prefix: "bench_consumer_" });
  const timings: Timing[] = [];
  try {
    const trees: [string, string | undefined][] = [[`before (${before})`, before], [
      "this tree",
      undefined,
    ]];
    for (const [index, [label, revision]] of trees.entries()) {
      const dir = `${work}/tree${index}`;
      if (!await extractTree(revision, dir)) {
        log(`  ${label}: git cannot read ${revision}; skipped`);
        continue;
      }
      const server = await serveAsJsr(dir);
      try {
        for (const mode of ["jsr", "path"] as const) {
          const app = `${work}/app${index}_${mode}`;
          await Deno.mkdir(app);
          const imports: Record<string, string> = {
            "drizzle-orm": "npm:drizzle-orm@0.45.4",
            "drizzle-orm/": "npm:/drizzle-orm@0.45.4/",
            postgres: "npm:postgres@3.4.9",
            "@proliferate/core/schema": mode === "jsr"
              ? `jsr:@proliferate/core@${VERSION}/schema`
              : `${dir}/schema/mod.ts`,
          };
          if (mode === "path") {
            const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
            imports.zod = config.imports.zod;
          }
          await Deno.writeTextFile(`${app}/deno.json`, JSON.stringify({ imports, lock: false }));
          const env = {
            DENO_DIR: `${work}/deno_dir`,
            JSR_URL: `http://127.0.0.1:${server.addr.port}/`,
            NO_COLOR: "1",
          };
          const measured = await timeChecks(app, env, runs);
          const timing: Timing = {
            tree: label,
            mode,
            runsMs: measured.map((run) => run.wallMs),
            cpuMs: measured.flatMap((run) => run.cpuMs === undefined ? [] : [run.cpuMs]),
          };
          timings.push(timing);
          const cpu = ms(median(timing.cpuMs));
          log(`  ${label}, ${mode}: CPU ${cpu} ms, wall ${ms(median(timing.runsMs))} ms`);
        }
      } finally {
        await server.shutdown();
      }
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
  return { title: "Consumer type check", lines: render(timings, runs) };
}

function render(timings: Timing[], runs: number): string[] {
  return [
    "`deno check` of a small gateway module (selects, an insert, an update and two `db.query`",
    "reads over `sessions`, `trigger_events`, `action_invocations` and `automations`), drizzle-orm",
    `0.45.4; median of ${runs} runs after one that fills the caches, the type-check cache defeated.`,
    "CPU is user + system time of the `deno check` process, less sensitive than wall time to",
    "other work on the machine.",
    "JSR: the package from a local JSR stand-in (what a JSR consumer type-checks: declared types",
    "when there are no slow types). Path: the source imported by file path (always checked in",
    "full).",
    "",
    ...table(
      ["package", "consumed through", "CPU (median)", "wall (median)", "wall runs (ms)"],
      timings.map((t) => [
        t.tree,
        t.mode,
        `${ms(median(t.cpuMs))} ms`,
        `${ms(median(t.runsMs))} ms`,
        t.runsMs.map(ms).join(", "),
      ]),
    ),
  ];
}

if (import.meta.main) {
  const section = await runConsumer();
  const text = renderReport("Benchmark: consumer type check", [
    `Run ${
      new Date().toISOString()
    }, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} ` +
    "cores; other work shares the machine, so timings are noisy.",
  ], [section]);
  console.log(`\n${text}`);
  const { writeResult } = await import("./_report.ts");
  console.log(`written to ${await writeResult("consumer.md", text)}`);
}
