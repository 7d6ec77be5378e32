/**
 * Small helpers the benchmark parts share: statistics, number formatting, Markdown tables, and
 * writing a report under `bench/results/`.
 *
 * @module
 */

/** One part's findings: a title and Markdown lines, ready to print and to write. */
export interface Section {
  /** Heading of the part, e.g. "Upgrade at scale". */
  title: string;
  /** Markdown body (without the heading). */
  lines: string[];
}

/** Median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The `q` quantile of `values` by linear interpolation; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Milliseconds with a precision that suits their size: 0.042, 3.1, 1 234. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

/** Seconds from milliseconds, e.g. "12.4 s". */
export function seconds(valueMs: number): string {
  return `${(valueMs / 1000).toFixed(valueMs < 10_000 ? 2 : 1)} s`;
}

/** An integer with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Bytes as KiB or MiB. */
export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(2)} MiB`;
}

/** A Markdown table; cells may not contain newlines, and `|` is escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** One line of SQL, shortened to `max` characters. */
export function shortSql(statement: string, max = 110): string {
  const line = statement
    .split("\n")
    .filter((text) => !text.trim().startsWith("--"))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Renders sections under a title, with the run's context first. */
export function renderReport(title: string, context: string[], sections: Section[]): string {
  const out = [`# ${title}`, "", ...context, ""];
  for (const section of sections) out.push(`## ${section.title}`, "", ...section.lines, "");
  return `${out.join("\n").trimEnd()}\n`;
}

/** Writes `text` to `bench/results/<file>` and returns the path. */
export async function writeResult(file: string, text: string): Promise<string> {
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const path = new URL(file, dir).pathname;
  await Deno.writeTextFile(path, text);
  // The repository's `deno fmt --check` covers Markdown: write the report as deno fmt would.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", path],
    stdout: "null",
    stderr: "null",
  }).output();
  return path;
}

/** The checked-out commit, e.g. "3a559bc", plus "+ local changes" when the tree is dirty. */
export function commitOf(): string {
  try {
    const run = (args: string[]) =>
      new TextDecoder().decode(
        new Deno.Command("git", { args, cwd: new URL("../", import.meta.url).pathname })
          .outputSync().stdout,
      ).trim();
    const head = run(["rev-parse", "--short", "HEAD"]);
    const dirty = run(["status", "--porcelain", "--untracked-files=no"]) !== "";
    return head ? `${head}${dirty ? " + local changes" : ""}` : "unknown";
  } catch {
    return "unknown";
  }
}

/** Context lines every report starts with: date, machine, server and a noise warning. */
export function runContext(server: { version: string; source: string; settings: string[] }) {
  return [
    `Run ${
      new Date().toISOString()
    } at commit ${commitOf()} on ${navigator.hardwareConcurrency} cores, ` +
    `${(Deno.systemMemoryInfo().total / 1024 ** 3).toFixed(0)} GiB, Deno ${Deno.version.deno}; ` +
    `${server.version} (${server.source}${
      server.settings.length ? `; ${server.settings.join(", ")}` : ""
    }).`,
    "",
    "Other engineers run test suites on the same 2-core machine at the same time, so every " +
    "timing here is noisy: compare orders of magnitude and plan shapes, not small differences.",
  ];
}
