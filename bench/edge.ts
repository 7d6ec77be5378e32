/**
 * Edge weight: what importing each entry point of the package costs. For `.` (the root
 * `mod.ts`), `./providers` and `./sandbox` it reports
 *
 * - the module graph from `deno info --json`: local modules reached through runtime imports
 *   (type-only imports are erased, so they are counted apart), their bytes, and the npm
 *   packages reached;
 * - the npm files those imports load, found by a static walk from each npm entry specifier
 *   (package `exports` with the conditions deno, node, import, default; then every static
 *   `import`/`export … from`/`require()` in the files reached; dynamic `import()` is not
 *   followed). It is an estimate: a bundler's tree shaking would load less;
 * - the import time in a new `deno run` process, as the median of several runs: "cold"
 *   runs get an empty DENO_DIR (only the npm registry metadata is copied in, so nothing is
 *   downloaded and every module is transpiled and compiled afresh), "warm" runs reuse the
 *   usual caches. Each run reports the wall time of the whole process and the time of the
 *   dynamic `import()` measured inside it; an empty script gives the runtime's own start-up.
 *
 * Run alone: `deno run -A bench/edge.ts` (writes `bench/results/edge.md`). Options through
 * the environment: `BENCH_EDGE_RUNS` (warm runs per entry, default 9), `BENCH_EDGE_COLD_RUNS`
 * (default 5).
 *
 * @module
 */
import { bytes, count, median, ms, renderReport, type Section, table } from "./_report.ts";

const ROOT = new URL("../", import.meta.url);

/** One entry point to weigh: its export name and its file. */
interface Entry {
  name: string;
  file: string;
}

interface GraphDependency {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
}

interface GraphModule {
  kind: string;
  specifier: string;
  size?: number;
  dependencies?: GraphDependency[];
}

interface NpmPackageInfo {
  name: string;
  version: string;
  dependencies: string[];
  localPath: string;
}

interface ModuleGraph {
  roots: string[];
  modules: GraphModule[];
  redirects: Record<string, string>;
  npmPackages: Record<string, NpmPackageInfo>;
}

/** What the graph of one entry holds. */
export interface Weight {
  entry: string;
  localModules: number;
  localBytes: number;
  typeOnlyModules: number;
  npmEntrySpecifiers: string[];
  npmPackages: string[];
  npmFiles: number;
  npmBytes: number;
  unresolved: string[];
}

/** Timing of one entry: medians in ms. */
export interface ImportTiming {
  entry: string;
  coldProcess: number;
  coldImport: number;
  warmProcess: number;
  warmImport: number;
}

/** Runs the edge part and returns its section of the report. */
export async function runEdge(log: (line: string) => void = console.log): Promise<Section> {
  const warmRuns = Number(Deno.env.get("BENCH_EDGE_RUNS") ?? 9);
  const coldRuns = Number(Deno.env.get("BENCH_EDGE_COLD_RUNS") ?? 5);
  const entries = await readEntries();
  const weights: Weight[] = [];
  for (const entry of entries) {
    const weight = await weigh(entry);
    weights.push(weight);
    log(
      `  ${entry.name}: ${weight.localModules} local modules (${bytes(weight.localBytes)}), ` +
        `${weight.npmFiles} npm files (${bytes(weight.npmBytes)}) from ` +
        `${weight.npmPackages.join(", ") || "no npm package"}`,
    );
  }
  const timings = await timeImports(entries, weights, warmRuns, coldRuns, log);
  return { title: "Edge weight", lines: render(weights, timings, warmRuns, coldRuns) };
}

async function readEntries(): Promise<Entry[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const exports = config.exports as Record<string, string>;
  return [".", "./providers", "./sandbox"].filter((name) => exports[name]).map((name) => ({
    name,
    file: new URL(exports[name], ROOT).pathname,
  }));
}

async function denoInfo(file: string): Promise<ModuleGraph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", file],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno info ${file}: ${new TextDecoder().decode(output.stderr).slice(0, 400)}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)) as ModuleGraph;
}

/** Builds the weight of one entry from its module graph and a walk of its npm files. */
export async function weigh(entry: Entry): Promise<Weight> {
  const graph = await denoInfo(entry.file);
  const bySpecifier = new Map(graph.modules.map((module) => [module.specifier, module]));
  const resolve = (specifier: string) => graph.redirects[specifier] ?? specifier;
  // Runtime reach: follow only `code` dependencies from the roots.
  const runtime = new Set<string>();
  const queue = graph.roots.map(resolve);
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (runtime.has(specifier)) continue;
    runtime.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code) queue.push(resolve(dependency.code.specifier));
    }
  }
  let localModules = 0;
  let localBytes = 0;
  let typeOnlyModules = 0;
  const npmEntrySpecifiers: string[] = [];
  for (const module of graph.modules) {
    const reached = runtime.has(module.specifier);
    if (module.kind === "npm") {
      if (reached) npmEntrySpecifiers.push(module.specifier);
    } else if (module.specifier.startsWith("file:")) {
      if (reached) {
        localModules++;
        localBytes += module.size ?? 0;
      } else {
        typeOnlyModules++;
      }
    }
  }
  const walk = await walkNpm(npmEntrySpecifiers, graph.npmPackages);
  return {
    entry: entry.name,
    localModules,
    localBytes,
    typeOnlyModules,
    npmEntrySpecifiers: npmEntrySpecifiers.sort(),
    ...walk,
  };
}

/** Splits `npm:/name@version/sub/path` into its parts. */
function parseNpmSpecifier(specifier: string): { id: string; name: string; subpath: string } {
  const body = specifier.replace(/^npm:\/?/, "");
  const scoped = body.startsWith("@");
  const parts = body.split("/");
  const head = scoped ? `${parts[0]}/${parts[1]}` : parts[0];
  const rest = parts.slice(scoped ? 2 : 1).join("/");
  const at = head.lastIndexOf("@");
  const name = at > 0 ? head.slice(0, at) : head;
  return { id: head, name, subpath: rest ? `./${rest}` : "." };
}

const CONDITIONS = new Set(["deno", "node", "import", "default"]);

function pickTarget(target: unknown): string | null {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pickTarget(item);
      if (found) return found;
    }
    return null;
  }
  if (target && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (CONDITIONS.has(key)) {
        const found = pickTarget(value);
        if (found) return found;
      }
    }
  }
  return null;
}

async function packageEntry(root: string, subpath: string): Promise<string | null> {
  const manifest = JSON.parse(await Deno.readTextFile(`${root}/package.json`));
  const exports = manifest.exports;
  if (exports !== undefined) {
    const map: Record<string, unknown> = typeof exports === "string" || Array.isArray(exports) ||
        !Object.keys(exports).some((key) => key.startsWith("."))
      ? { ".": exports }
      : exports;
    const direct = map[subpath];
    if (direct !== undefined) {
      const target = pickTarget(direct);
      return target ? `${root}/${target.replace(/^\.\//, "")}` : null;
    }
    for (const [pattern, value] of Object.entries(map)) {
      if (!pattern.includes("*")) continue;
      const [prefix, suffix] = pattern.split("*");
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
        const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
        const target = pickTarget(value);
        return target ? `${root}/${target.replace("*", middle).replace(/^\.\//, "")}` : null;
      }
    }
    return null;
  }
  if (subpath !== ".") return await existingFile(`${root}/${subpath.slice(2)}`);
  return await existingFile(`${root}/${manifest.main ?? "index.js"}`);
}

async function existingFile(path: string): Promise<string | null> {
  for (const candidate of [path, `${path}.js`, `${path}.mjs`, `${path}.cjs`, `${path}/index.js`]) {
    try {
      if ((await Deno.stat(candidate)).isFile) return candidate;
    } catch {
      // Try the next candidate.
    }
  }
  return null;
}

const STATIC_IMPORT =
  /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"'\n]+)["']/g;
const REQUIRE = /\brequire\(\s*["']([^"'\n]+)["']\s*\)/g;

async function walkNpm(
  entrySpecifiers: string[],
  packages: Record<string, NpmPackageInfo>,
): Promise<{
  npmPackages: string[];
  npmFiles: number;
  npmBytes: number;
  unresolved: string[];
}> {
  const findPackage = (id: string) =>
    Object.entries(packages).find(([key]) => key === id || key.startsWith(`${id}_`))?.[1];
  const files = new Map<string, number>();
  const packageOfFile = new Map<string, NpmPackageInfo>();
  const reachedPackages = new Set<string>();
  const unresolved = new Set<string>();
  const queue: string[] = [];
  const enqueue = (path: string | null, owner: NpmPackageInfo, label: string) => {
    if (!path) {
      unresolved.add(label);
      return;
    }
    if (!packageOfFile.has(path)) {
      packageOfFile.set(path, owner);
      queue.push(path);
    }
  };
  for (const specifier of entrySpecifiers) {
    const { id, subpath } = parseNpmSpecifier(specifier);
    const info = findPackage(id);
    if (!info) {
      unresolved.add(specifier);
      continue;
    }
    enqueue(await packageEntry(info.localPath, subpath), info, specifier);
  }
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (files.has(path)) continue;
    const owner = packageOfFile.get(path)!;
    reachedPackages.add(`${owner.name}@${owner.version}`);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      unresolved.add(path);
      continue;
    }
    files.set(path, new TextEncoder().encode(text).length);
    // Doc comments hold example imports; drop comments before looking for real ones.
    text = text.replace(/\/\*[^]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const found = [
      ...[...text.matchAll(STATIC_IMPORT)].map((match) => match[1]),
      ...(path.endsWith(".cjs") || /\.js$/.test(path) ? [...text.matchAll(REQUIRE)] : []).map((
        match,
      ) => match[1]),
    ];
    for (const target of found) {
      if (target.startsWith("node:") || !/^[.@\w]/.test(target)) continue;
      if (target.startsWith(".")) {
        const base = path.slice(0, path.lastIndexOf("/"));
        enqueue(await existingFile(normalise(`${base}/${target}`)), owner, `${path} → ${target}`);
        continue;
      }
      const { name, subpath } = parseNpmSpecifier(target);
      if (!name.includes("/") || name.startsWith("@")) {
        const dependencyId = name === owner.name
          ? `${owner.name}@${owner.version}`
          : owner.dependencies.find((dep) => dep.slice(0, dep.lastIndexOf("@")) === name);
        const info = dependencyId ? findPackage(dependencyId) : undefined;
        if (info) {
          enqueue(await packageEntry(info.localPath, subpath), info, target);
        } else if (!BUILTINS.has(name)) {
          unresolved.add(target);
        }
      }
    }
  }
  return {
    npmPackages: [...reachedPackages].sort(),
    npmFiles: files.size,
    npmBytes: [...files.values()].reduce((sum, size) => sum + size, 0),
    unresolved: [...unresolved].sort(),
  };
}

const BUILTINS = new Set([
  "fs",
  "path",
  "os",
  "crypto",
  "net",
  "tls",
  "stream",
  "events",
  "url",
  "util",
  "buffer",
  "perf_hooks",
  "child_process",
  "process",
  "http",
  "https",
  "zlib",
  "dns",
]);

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== ".") out.push(part);
  }
  return out.join("/");
}

/** Times an import of every entry (and an empty script) in new processes. */
async function timeImports(
  entries: Entry[],
  weights: Weight[],
  warmRuns: number,
  coldRuns: number,
  log: (line: string) => void,
): Promise<ImportTiming[]> {
  const work = await Deno.makeTempDir({ prefix: "proliferate-bench-edge-" });
  try {
    const scripts = new Map<string, string>();
    const targets = [{ name: "(empty script)", file: "" }, ...entries];
    for (const [index, target] of targets.entries()) {
      const path = `${work}/import_${index}.ts`;
      const importLine = target.file
        ? `await import(${JSON.stringify(new URL(`file://${target.file}`).href)});`
        : "";
      await Deno.writeTextFile(
        path,
        `const started = performance.now();\n${importLine}\n` +
          `console.log(JSON.stringify({ importMs: performance.now() - started }));\n`,
      );
      scripts.set(target.name, path);
    }
    const npmNames = new Set(weights.flatMap((weight) => weight.npmPackages));
    const registry = await registryFiles(npmNames);
    const samples = new Map<string, { cold: number[][]; warm: number[][] }>(
      targets.map((target) => [target.name, { cold: [], warm: [] }]),
    );
    // Interleave the entries run by run, so that background load hits them alike.
    for (let run = 0; run < coldRuns; run++) {
      for (const target of targets) {
        const denoDir = `${work}/deno_dir_${run}_${target.name.replace(/\W/g, "_")}`;
        await seedDenoDir(denoDir, registry);
        const sample = await timeOne(scripts.get(target.name)!, denoDir);
        if (sample) samples.get(target.name)!.cold.push(sample);
        await Deno.remove(denoDir, { recursive: true }).catch(() => {});
      }
    }
    for (const target of targets) await timeOne(scripts.get(target.name)!); // fill the caches
    for (let run = 0; run < warmRuns; run++) {
      for (const target of targets) {
        const sample = await timeOne(scripts.get(target.name)!);
        if (sample) samples.get(target.name)!.warm.push(sample);
      }
    }
    const timings: ImportTiming[] = [];
    for (const target of targets) {
      const { cold, warm } = samples.get(target.name)!;
      const timing = {
        entry: target.name,
        coldProcess: median(cold.map((s) => s[0])),
        coldImport: median(cold.map((s) => s[1])),
        warmProcess: median(warm.map((s) => s[0])),
        warmImport: median(warm.map((s) => s[1])),
      };
      timings.push(timing);
      log(
        `  ${target.name}: cold import ${ms(timing.coldImport)} ms (process ${
          ms(timing.coldProcess)
        } ms), warm import ${ms(timing.warmImport)} ms (process ${ms(timing.warmProcess)} ms)`,
      );
    }
    return timings;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** The npm registry metadata files of the usual DENO_DIR for the given packages. */
async function registryFiles(names: Set<string>): Promise<Map<string, string>> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const npmCache = JSON.parse(new TextDecoder().decode(info.stdout)).npmCache as string;
  const files = new Map<string, string>();
  for (const id of names) {
    const name = id.slice(0, id.lastIndexOf("@"));
    files.set(name, `${npmCache}/registry.npmjs.org/${name}/registry.json`);
  }
  return files;
}

async function seedDenoDir(denoDir: string, registry: Map<string, string>): Promise<void> {
  for (const [name, source] of registry) {
    const target = `${denoDir}/npm/registry.npmjs.org/${name}`;
    await Deno.mkdir(target, { recursive: true });
    await Deno.copyFile(source, `${target}/registry.json`).catch(() => {});
  }
}

/** One process: [wall ms, in-process import ms], or null when the run failed. */
async function timeOne(script: string, denoDir?: string): Promise<number[] | null> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (denoDir) env.DENO_DIR = denoDir;
  const args = ["run", "-A", "--config", new URL("deno.json", ROOT).pathname];
  if (denoDir) args.push("--cached-only");
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...args, script],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = performance.now() - started;
  if (!output.success) {
    console.error(`  import run failed: ${new TextDecoder().decode(output.stderr).slice(0, 300)}`);
    return null;
  }
  const line = new TextDecoder().decode(output.stdout).trim().split("\n").pop() ?? "{}";
  return [wall, JSON.parse(line).importMs as number];
}

function render(
  weights: Weight[],
  timings: ImportTiming[],
  warmRuns: number,
  coldRuns: number,
): string[] {
  const timingOf = (name: string) => timings.find((timing) => timing.entry === name);
  const empty = timingOf("(empty script)");
  const lines = [
    "Module graph (`deno info --json`; local = modules reached through runtime imports; npm = " +
    "static walk of the files the npm entry specifiers load):",
    "",
    ...table(
      [
        "entry",
        "local modules",
        "local bytes",
        "type-only local",
        "npm packages",
        "npm files",
        "npm bytes",
      ],
      weights.map((weight) => [
        `\`${weight.entry}\``,
        count(weight.localModules),
        bytes(weight.localBytes),
        count(weight.typeOnlyModules),
        weight.npmPackages.join(", ") || "none",
        count(weight.npmFiles),
        bytes(weight.npmBytes),
      ]),
    ),
    "",
    `Import time, median ms over ${coldRuns} cold and ${warmRuns} warm runs, one new ` +
    '`deno run` process each; "import" is the `await import()` measured inside the process, ' +
    '"process" the wall time of the whole run (start-up included):',
    "",
    ...table(
      ["entry", "cold import", "cold process", "warm import", "warm process"],
      timings.map((timing) => [
        timing.entry.startsWith("(") ? timing.entry : `\`${timing.entry}\``,
        ms(timing.coldImport),
        ms(timing.coldProcess),
        ms(timing.warmImport),
        ms(timing.warmProcess),
      ]),
    ),
  ];
  if (empty) {
    lines.push(
      "",
      `Runtime start-up alone (empty script): ${ms(empty.warmProcess)} ms warm, ${
        ms(empty.coldProcess)
      } ms cold.`,
    );
  }
  const notes = weights.filter((weight) => weight.unresolved.length > 0);
  for (const weight of notes) {
    lines.push(
      "",
      `\`${weight.entry}\`: the static walk could not resolve ${weight.unresolved.length} ` +
        `import(s) (not counted): ${weight.unresolved.slice(0, 5).join("; ")}`,
    );
  }
  return lines;
}

if (import.meta.main) {
  const section = await runEdge();
  const text = renderReport("Benchmark: edge weight", [
    `Run ${
      new Date().toISOString()
    }, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} ` +
    "cores; other work shares the machine, so timings are noisy.",
  ], [section]);
  console.log(`\n${text}`);
  const { writeResult } = await import("./_report.ts");
  console.log(`written to ${await writeResult("edge.md", text)}`);
}
