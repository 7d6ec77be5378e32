/**
 * Wall time of the README's first command on a fresh clone: `deno task db:migrate` cold (a new
 * clone, an empty `DENO_DIR`, so every npm package is downloaded, the embedded binaries are
 * prepared and a new cluster is initialised) and warm (the same command again: the cluster
 * exists, nothing to apply). Writes `bench/results/fresh_clone.md`.
 *
 * Run with `deno run -A bench/fresh_clone.ts [runs]` (default 1 cold and 3 warm runs per
 * clone; `runs` repeats the whole thing with new clones). The clone comes from this
 * repository's committed HEAD (`git clone`), inside a temporary folder of mode 0700: as root
 * that also measures the fallback where the cluster lives outside the clone. Everything the
 * run creates is removed afterwards.
 *
 * @module
 */
import { fallbackHome } from "../scripts/_postgres.ts";

const PROJECT_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const RESULT = new URL("./results/fresh_clone.md", import.meta.url);
const WARM_RUNS = 3;

/** Runs a command, failing with its output when it fails; returns the wall time in ms. */
async function timed(cwd: string, env: Record<string, string>, args: string[]): Promise<number> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { ...env, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`deno ${args.join(" ")} failed in ${cwd}:\n${text.slice(-2000)}`);
  }
  return elapsed;
}

async function git(args: string[]): Promise<string> {
  const output = await new Deno.Command("git", { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trim();
}

/** What one round measures. */
interface Round {
  /** New clone, empty DENO_DIR. */
  cold: number;
  /** The same command again, `WARM_RUNS` times. */
  warm: number[];
  /** Another new clone sharing the now filled DENO_DIR: all but the downloads. */
  cached: number;
}

/** One round: a cold run, warm runs, then a second clone on the filled Deno cache. */
async function measureOnce(): Promise<Round> {
  const root = await Deno.makeTempDir({ prefix: "proliferate-fresh-" }); // mode 0700
  const clones = [`${root}/clone`, `${root}/clone-2`];
  const denoDir = `${root}/deno-dir`;
  try {
    await git(["clone", "-q", PROJECT_DIR, clones[0]]);
    await git(["clone", "-q", PROJECT_DIR, clones[1]]);
    await Deno.mkdir(denoDir);
    const env: Record<string, string> = { DENO_DIR: denoDir };
    const cold = await timed(clones[0], env, ["task", "db:migrate"]);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      warm.push(await timed(clones[0], env, ["task", "db:migrate"]));
    }
    const cached = await timed(clones[1], env, ["task", "db:migrate"]);
    return { cold, warm, cached };
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
    for (const clone of clones) {
      await Deno.remove(await fallbackHome(clone), { recursive: true }).catch(() => {});
    }
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

const runs = Number(Deno.args[0] ?? 1);
Deno.env.delete("DATABASE_URL");
const results: Round[] = [];
for (let i = 0; i < runs; i++) {
  const result = await measureOnce();
  console.log(
    `cold ${seconds(result.cold)}, warm ${result.warm.map(seconds).join(", ")}, ` +
      `new clone on a filled cache ${seconds(result.cached)}`,
  );
  results.push(result);
}

const commit = await git(["-C", PROJECT_DIR, "rev-parse", "--short", "HEAD"]);
const who = Deno.uid() === 0 ? "root (clone in a 0700 folder)" : "an ordinary user";
const rows = results.map((r, i) =>
  `| ${i + 1} | ${seconds(r.cold)} | ${seconds(median(r.warm))} (${
    r.warm.map(seconds).join(", ")
  }) | ${seconds(r.cached)} |`
);
const report = `# First \`deno task db:migrate\` on a fresh clone

Run ${new Date().toISOString()} at commit ${commit} on ${navigator.hardwareConcurrency} cores,
Deno ${Deno.version.deno}, as ${who}. Reproduce with \`deno run -A bench/fresh_clone.ts\`.

Cold: a new \`git clone\`, an empty \`DENO_DIR\`, no \`DATABASE_URL\`; the time includes \`deno task\`
downloading every npm package of the lockfile (about 175 MB, network-bound), preparing the
embedded PostgreSQL binaries, initdb and applying all migrations. Warm: the same command again
(server start, nothing to apply, server stop). New clone, filled cache: a second fresh clone on
the Deno cache the cold run filled, so everything but the downloads (node_modules set-up, the
binaries, initdb, migrations); cold minus this is the download time. Targets: under 60 s cold,
under 3 s warm. Other test suites share this machine, so the figures are noisy.

| run | cold | warm, median (each) | new clone, filled cache |
| --- | ---- | ------------------- | ----------------------- |
${rows.join("\n")}
`;
await Deno.writeTextFile(RESULT, report);
await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", RESULT.pathname] }).output();
console.log(`wrote ${RESULT.pathname}`);
