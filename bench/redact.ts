/**
 * Redaction throughput: `redactSecrets` on 1 MB of ordinary text (provider error logs, a JSON
 * response body) and on 1 MB of adversarial text (each format's prefix repeated, the inputs that
 * made earlier patterns backtrack), in milliseconds per MB and MB/s. The target is under 50 ms
 * per MB on the 2-core machines the suite runs on.
 *
 * Runs inside `deno task bench`, or alone with `deno run -A bench/redact.ts`, which replaces
 * (or adds) its section in `bench/results/latest.md` and leaves the other sections as they are.
 *
 * @module
 */
import { redactSecrets } from "../sandbox/mod.ts";
import { median, ms, type Section, table, writeResult } from "./_report.ts";

const MB = 1_000_000;
const RUNS = 7;
const TARGET_MS_PER_MB = 50;

/** `unit` repeated to `MB` characters. */
function fill(unit: string): string {
  return unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
}

/** Provider error log lines, one secret in every fourth line. */
function ordinaryLog(): string {
  const lines = [
    "2026-01-01T00:00:00.000Z INFO sandbox sb-1f2e3d created in 812 ms (region us-east-1)",
    "2026-01-01T00:00:01.000Z WARN retrying POST https://api.e2b.dev/sandboxes after 503: busy",
    "2026-01-01T00:00:02.000Z ERROR clone https://x-access-token:ghs_16C7e42F292c6912E7710c83@github.com/org/repo failed",
    "2026-01-01T00:00:03.000Z DEBUG headers accept=application/json user-agent=proliferate/1.0",
    "2026-01-01T00:00:04.000Z INFO git fetch took 1.2 s; 0123456789abcdef0123456789abcdef01234567",
    '2026-01-01T00:00:05.000Z ERROR provider said {"error":"unauthorized","apiKey":"k-9f8e7d"}',
    "2026-01-01T00:00:06.000Z INFO the bearer of news: break-even as-is, task-runner, has-snapshot",
    "2026-01-01T00:00:07.000Z ERROR Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
  ];
  return fill(`${lines.join("\n")}\n`);
}

/** A JSON response body: an array of records with ids, names, URLs and nested objects. */
function ordinaryJson(): string {
  const record = (i: number) => ({
    id: `sb_${i.toString(36).padStart(8, "0")}`,
    name: `sandbox ${i}`,
    url: `https://sb-${i}-4096.example.dev/health?x=${i}`,
    status: i % 3 === 0 ? "running" : "paused",
    createdAt: "2026-01-01T00:00:00Z",
    metadata: { region: "us-east-1", cpu: 2, memoryMb: 4096, tags: ["a", "b"] },
  });
  const records = [];
  let size = 2;
  for (let i = 0; size < MB; i++) {
    const item = record(i);
    records.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return JSON.stringify(records).slice(0, MB);
}

/** Adversarial inputs: what made earlier patterns quadratic, and every format's prefix. */
const ADVERSARIAL: readonly [string, string][] = [
  ["`eyJ` repeated (JWT prefix)", "eyJ"],
  ["`eyJa.eyJ` repeated", "eyJa.eyJ"],
  ["`x-access-token:` repeated", "x-access-token:"],
  ["`https://a:` repeated (URL password)", "https://a:"],
  ["`%3A%2F%2Fa%3A` repeated (encoded URL)", "%3A%2F%2Fa%3A"],
  ["`-----BEGIN PRIVATE KEY-----` repeated", "-----BEGIN PRIVATE KEY-----"],
  ['`password="` repeated (credential assignment)', 'password="'],
  ["`Bearer` and a space, repeated", "Bearer "],
  ["`Basic QUFB` repeated", "Basic QUFB"],
  ["`keykeykey` (one long identifier)", "keykeykey"],
  ["`aB3/` repeated (base64 run)", "aB3/"],
  ["`a.` repeated", "a."],
];

/** Times `redactSecrets` on `text`: median and best of {@link RUNS} runs, in ms. */
function measure(text: string): { median: number; best: number } {
  redactSecrets(text); // warm up
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    redactSecrets(text);
    runs.push(performance.now() - started);
  }
  return { median: median(runs), best: Math.min(...runs) };
}

/** Runs the redaction benchmark and returns its report section. */
export function runRedact(log: (line: string) => void = console.log): Promise<Section> {
  const inputs: [string, string, string][] = [
    ["ordinary", "provider error log lines (a secret in every fourth line)", ordinaryLog()],
    ["ordinary", "JSON response body", ordinaryJson()],
    ...ADVERSARIAL.map(([name, unit]): [string, string, string] => [
      "adversarial",
      name,
      fill(unit),
    ]),
  ];
  const rows: string[][] = [];
  let worst = 0;
  for (const [kind, name, text] of inputs) {
    const { median: mid, best } = measure(text);
    const perMb = mid * MB / text.length;
    const bestPerMb = best * MB / text.length;
    worst = Math.max(worst, bestPerMb);
    log(`  ${kind} ${name}: ${ms(perMb)} ms/MB (best ${ms(bestPerMb)})`);
    rows.push([
      kind,
      name,
      ms(perMb),
      ms(bestPerMb),
      (text.length / MB / (mid / 1000)).toFixed(0),
      bestPerMb < TARGET_MS_PER_MB ? "yes" : "no",
    ]);
  }
  const load = Deno.loadavg()[0].toFixed(1);
  const lines = [
    `\`redactSecrets\` on 1 MB inputs, ${RUNS} runs each after a warm-up, at a load average of ` +
    `${load} on ${navigator.hardwareConcurrency} cores; target under ${TARGET_MS_PER_MB} ms per ` +
    `MB, judged on the best run (the least disturbed by other work). Slowest best run: ` +
    `${ms(worst)} ms/MB. Reproduce with \`deno run -A bench/redact.ts\`.`,
    "",
    ...table(
      ["input", "text", "median ms/MB", "best ms/MB", "MB/s (median)", "under target"],
      rows,
    ),
  ];
  return Promise.resolve({ title: "Redaction throughput", lines });
}

/** Replaces the `## <title>` section of a rendered report, or appends it. */
function spliceSection(report: string, section: Section): string {
  const body = [`## ${section.title}`, "", ...section.lines, ""].join("\n");
  const start = report.indexOf(`\n## ${section.title}\n`);
  if (start < 0) return `${report.trimEnd()}\n\n${body}`;
  const next = report.indexOf("\n## ", start + 1);
  return `${report.slice(0, start + 1)}${body}${next < 0 ? "" : report.slice(next)}`;
}

if (import.meta.main) {
  const section = await runRedact();
  const path = new URL("./results/latest.md", import.meta.url);
  let report = "# Benchmarks of @proliferate/core\n";
  try {
    report = await Deno.readTextFile(path);
  } catch {
    // No report yet: start one.
  }
  const text = spliceSection(report, section);
  console.log(`\n## ${section.title}\n\n${section.lines.join("\n")}`);
  console.log(`written to ${await writeResult("latest.md", text)}`);
}
