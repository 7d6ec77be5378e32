/**
 * Writes `tests/fixtures/baseline_catalog.json`, the expected catalog of the pre-vNext database,
 * from the baseline fact sheet `../shared/spec/baseline-schema.md` (the `shared` folder lies
 * beside the repository).
 *
 * The sheet gives every fact in the form the catalog uses (`format_type()` types,
 * `pg_get_expr()` defaults, `pg_get_indexdef()` key lists, pretty partial-index predicates,
 * pretty CHECK definitions, collapsed policy expressions), so the extraction copies them as they
 * are. It refuses to write unless the totals agree with the sheet's header and with the figures
 * below, every table's column count agrees with its heading, every PRIMARY KEY / UNIQUE
 * constraint has its backing index, the "Referenced by" lists match the foreign keys and the
 * type census matches the columns.
 *
 * Usage (from the repository root):
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-run scripts/extract_baseline_catalog.ts
 * deno run --allow-read scripts/extract_baseline_catalog.ts --check   # fixture up to date?
 * ```
 *
 * @module
 */
import type {
  Catalog,
  CatalogColumn,
  CatalogFunction,
  CatalogIndex,
  CatalogPolicy,
  CatalogTable,
  ReferentialAction,
} from "../tests/_catalog.ts";
import { makeConstraint, normalizeCatalog } from "../tests/_catalog.ts";

/** The totals the baseline sheet states; the extraction must reproduce each one. */
export const BASELINE_TOTALS = {
  tables: 38,
  columns: 478,
  primaryKeys: 38,
  foreignKeys: 83,
  uniqueConstraints: 18,
  checkConstraints: 5,
  indexes: 152,
  policies: 8,
} as const;

/** Where the sheet lies, relative to this script. */
export const SHEET_URL = new URL("../../shared/spec/baseline-schema.md", import.meta.url);
/** Where the fixture is written, relative to this script. */
export const FIXTURE_URL = new URL("../tests/fixtures/baseline_catalog.json", import.meta.url);

/** Parses the baseline fact sheet into a normalised {@linkcode Catalog}; throws on any doubt. */
export function extractBaselineCatalog(markdown: string): Catalog {
  const lines = markdown.split("\n");
  requireSentence(markdown, "All foreign keys are `MATCH SIMPLE`, not deferrable, validated.");
  requireSentence(markdown, "All index access methods are `btree` unless stated.");

  const tables: CatalogTable[] = [];
  const tablesStart = lines.indexOf("## Tables");
  if (tablesStart < 0) throw new Error("sheet: no '## Tables' section");
  const tablesEnd = lines.findIndex((l, i) => i > tablesStart && l.startsWith("## "));
  const sectionStarts: number[] = [];
  for (let i = tablesStart + 1; i < tablesEnd; i++) {
    if (lines[i].startsWith("### ")) sectionStarts.push(i);
  }
  const referencedBy: string[] = [];
  sectionStarts.forEach((start, k) => {
    const end = k + 1 < sectionStarts.length ? sectionStarts[k + 1] : tablesEnd;
    tables.push(parseTableSection(lines.slice(start, end), referencedBy));
  });

  const catalog = normalizeCatalog({
    tables,
    relations: [],
    functions: parseFunctions(lines),
  });
  checkTotals(markdown, catalog);
  checkTableOfContents(lines, catalog);
  checkReferencedBy(catalog, referencedBy);
  checkTypeCensus(lines, catalog);
  return catalog;
}

function requireSentence(markdown: string, sentence: string): void {
  if (!markdown.includes(sentence)) throw new Error(`sheet: expected the sentence "${sentence}"`);
}

/** Splits one markdown table row into trimmed cells, honouring code spans and `\|`. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  let inCode = false;
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\" && body[i + 1] === "|") {
      current += "|";
      i++;
    } else if (ch === "`") {
      inCode = !inCode;
      current += ch;
    } else if (ch === "|" && !inCode) {
      cells.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

/** Reads the markdown table whose header row is the first `|` line at or after `from`. */
function readTable(
  lines: readonly string[],
  from: number,
  header: readonly string[],
): { rows: string[][]; next: number } {
  let i = from;
  while (i < lines.length && lines[i].trim() === "") i++;
  const got = splitRow(lines[i] ?? "");
  if (JSON.stringify(got) !== JSON.stringify(header)) {
    throw new Error(`sheet: expected table header ${header.join(" | ")}, got: ${lines[i]}`);
  }
  i += 2; // header and separator
  const rows: string[][] = [];
  while (i < lines.length && lines[i].startsWith("|")) {
    const row = splitRow(lines[i]);
    if (row.length !== header.length) throw new Error(`sheet: bad row width: ${lines[i]}`);
    rows.push(row);
    i++;
  }
  return { rows, next: i };
}

/** The text of a cell that is exactly one code span. */
function code(cell: string): string {
  const m = /^`([^`]*)`$/.exec(cell);
  if (!m) throw new Error(`sheet: expected one code span, got: ${cell}`);
  return m[1];
}

/** A code span, or null for an empty cell (or the word `none` where the sheet uses it). */
function optionalCode(cell: string, noneWord?: string): string | null {
  if (cell === "" || (noneWord !== undefined && cell === noneWord)) return null;
  return code(cell);
}

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim());
}

function action(cell: string): ReferentialAction {
  const allowed = ["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"];
  if (!allowed.includes(cell)) throw new Error(`sheet: unknown referential action ${cell}`);
  return cell as ReferentialAction;
}

const constraint = makeConstraint;

function parseTableSection(section: readonly string[], referencedBy: string[]): CatalogTable {
  const name = section[0].slice(4).trim();
  const where = `sheet, table ${name}`;
  const headerLine = section.find((l) => l.startsWith("TS export "));
  const header = headerLine &&
    /^TS export `\w+` · (\d+) columns · RLS (disabled|\*\*enabled\*\* \(not forced\))$/.exec(
      headerLine,
    );
  if (!header) throw new Error(`${where}: no TS export heading line`);
  const table: CatalogTable = {
    schema: "public",
    name,
    rowSecurity: header[2] !== "disabled",
    forceRowSecurity: false,
    columns: [],
    constraints: [],
    indexes: [],
    policies: [],
    triggers: [],
  };

  let i = section.indexOf(headerLine!) + 1;
  const columns = readTable(section, i, ["#", "column", "type", "null", "default", "TS property"]);
  columns.rows.forEach((row, k) => {
    if (Number(row[0]) !== k + 1) throw new Error(`${where}: column number ${row[0]}`);
    if (row[3] !== "NOT NULL" && row[3] !== "null") {
      throw new Error(`${where}: nullability ${row[3]}`);
    }
    const column: CatalogColumn = {
      name: code(row[1]),
      type: code(row[2]),
      notNull: row[3] === "NOT NULL",
      default: optionalCode(row[4]),
    };
    table.columns.push(column);
  });
  if (table.columns.length !== Number(header[1])) {
    throw new Error(
      `${where}: heading says ${header[1]} columns, table has ${table.columns.length}`,
    );
  }
  i = columns.next;

  for (; i < section.length; i++) {
    const line = section[i];
    if (line.trim() === "") continue;
    let m: RegExpExecArray | null;
    if ((m = /^\*\*Primary key:\*\* `([^`]+)` \(([^)]+)\)$/.exec(line))) {
      table.constraints.push(constraint(m[1], "p", list(m[2])));
    } else if (line === "**Foreign keys**") {
      const t = readTable(section, i + 1, [
        "constraint",
        "columns",
        "references",
        "ON DELETE",
        "ON UPDATE",
      ]);
      for (const row of t.rows) {
        const ref = /^`([^`]+)`\(([^)]+)\)$/.exec(row[2]);
        if (!ref) throw new Error(`${where}: bad reference ${row[2]}`);
        table.constraints.push(constraint(code(row[0]), "f", list(row[1]), {
          references: {
            schema: "public",
            table: ref[1],
            columns: list(ref[2]),
            onDelete: action(row[3]),
            onUpdate: action(row[4]),
            match: "SIMPLE",
          },
        }));
      }
      i = t.next - 1;
    } else if (line === "**Unique constraints**") {
      const t = readTable(section, i + 1, ["constraint", "columns"]);
      for (const row of t.rows) table.constraints.push(constraint(code(row[0]), "u", list(row[1])));
      i = t.next - 1;
    } else if (line === "**Check constraints**") {
      const t = readTable(section, i + 1, ["constraint", "expression"]);
      for (const row of t.rows) {
        const definition = code(row[1]);
        if (!definition.startsWith("CHECK (")) throw new Error(`${where}: check ${definition}`);
        table.constraints.push(constraint(code(row[0]), "c", [], { definition }));
      }
      i = t.next - 1;
    } else if (line === "**Indexes**") {
      const t = readTable(section, i + 1, [
        "index",
        "unique",
        "method",
        "keys",
        "partial WHERE",
        "backs constraint",
      ]);
      for (const row of t.rows) {
        if (row[1] !== "yes" && row[1] !== "no") throw new Error(`${where}: unique ${row[1]}`);
        const backs = ({ "": null, PK: "p", UNIQUE: "u" } as const)[row[5] as "" | "PK" | "UNIQUE"];
        if (backs === undefined) throw new Error(`${where}: backs constraint ${row[5]}`);
        const index: CatalogIndex = {
          name: code(row[0]),
          unique: row[1] === "yes",
          method: row[2],
          keys: code(row[3]),
          include: null,
          nullsNotDistinct: false,
          predicate: optionalCode(row[4]),
          constraint: backs,
        };
        table.indexes.push(index);
      }
      i = t.next - 1;
    } else if (
      (m = /^\*\*RLS policies\*\* \(all (PERMISSIVE|RESTRICTIVE), role `(\w+)`\)$/.exec(line))
    ) {
      const permissive = m[1] === "PERMISSIVE";
      const roles = [m[2]];
      const t = readTable(section, i + 1, ["policy", "command", "USING", "WITH CHECK"]);
      for (const row of t.rows) {
        const command = row[1] as CatalogPolicy["command"];
        if (!["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"].includes(command)) {
          throw new Error(`${where}: policy command ${row[1]}`);
        }
        table.policies.push({
          name: row[0],
          command,
          permissive,
          roles,
          using: optionalCode(row[2], "none"),
          withCheck: optionalCode(row[3], "none"),
        });
      }
      i = t.next - 1;
    } else if ((m = /^\*\*Referenced by:\*\* (.+)$/.exec(line))) {
      for (const item of m[1].split(/, (?=`)/)) {
        const r = /^`(\w+)`\.(\w+) \(([A-Z ]+)\)$/.exec(item);
        if (!r) throw new Error(`${where}: bad "Referenced by" item ${item}`);
        referencedBy.push(`${r[1]}.${r[2]} -> ${name} ${r[3]}`);
      }
    } else if (line.startsWith("**Drizzle note:**")) {
      // About schema.ts, not the database.
    } else {
      throw new Error(`${where}: unexpected line: ${line}`);
    }
  }
  if (table.rowSecurity !== (table.policies.length > 0)) {
    throw new Error(`${where}: RLS flag and policies disagree`);
  }
  checkBackingIndexes(table);
  return table;
}

/** The identifier as `pg_get_indexdef()` prints it (lower-case names stay bare). */
function printedIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function checkBackingIndexes(table: CatalogTable): void {
  for (const c of table.constraints) {
    if (c.type !== "p" && c.type !== "u") continue;
    const index = table.indexes.find((i) => i.name === c.name);
    const keys = c.columns.map(printedIdentifier).join(", ");
    if (
      !index || !index.unique || index.method !== "btree" || index.keys !== keys ||
      index.predicate !== null || index.constraint !== c.type
    ) {
      throw new Error(`sheet, table ${table.name}: constraint ${c.name} has no matching index`);
    }
  }
  for (const index of table.indexes) {
    if (index.constraint === null) continue;
    const owner = table.constraints.find((c) => c.name === index.name);
    if (!owner || owner.type !== index.constraint) {
      throw new Error(`sheet, table ${table.name}: index ${index.name} backs no such constraint`);
    }
  }
}

function parseFunctions(lines: readonly string[]): CatalogFunction[] {
  const row = lines.find((l) => l.startsWith("| functions |"));
  if (!row) throw new Error("sheet: no 'functions' row under database-level objects");
  const functions: CatalogFunction[] = [];
  const pattern = /`(\w+)\.(\w+)\(\)` — no arguments, returns `([^`]+)`, language `(\w+)`/g;
  for (const m of row.matchAll(pattern)) {
    functions.push({
      schema: m[1],
      name: m[2],
      kind: "function",
      arguments: "",
      result: m[3],
      language: m[4],
    });
  }
  if (functions.length !== 1) {
    throw new Error(`sheet: expected 1 function, found ${functions.length}`);
  }
  return functions;
}

function checkTotals(markdown: string, catalog: Catalog): void {
  const stated =
    /(\d+) tables in schema `public`, (\d+) columns, (\d+) primary keys, (\d+) foreign keys, (\d+) unique constraints, (\d+) check constraints, (\d+) indexes \(including those backing PK\/unique constraints\), (\d+) RLS policies/
      .exec(markdown);
  if (!stated) throw new Error("sheet: the totals row of 'Scope and derivation' is missing");
  const constraints = catalog.tables.flatMap((t) => t.constraints);
  const count = (type: string) => constraints.filter((c) => c.type === type).length;
  const found = {
    tables: catalog.tables.length,
    columns: catalog.tables.reduce((n, t) => n + t.columns.length, 0),
    primaryKeys: count("p"),
    foreignKeys: count("f"),
    uniqueConstraints: count("u"),
    checkConstraints: count("c"),
    indexes: catalog.tables.reduce((n, t) => n + t.indexes.length, 0),
    policies: catalog.tables.reduce((n, t) => n + t.policies.length, 0),
  };
  const keys = Object.keys(BASELINE_TOTALS) as (keyof typeof BASELINE_TOTALS)[];
  keys.forEach((key, k) => {
    const sheet = Number(stated[k + 1]);
    if (sheet !== BASELINE_TOTALS[key] || found[key] !== BASELINE_TOTALS[key]) {
      throw new Error(
        `totals: ${key} expected ${BASELINE_TOTALS[key]}, sheet header says ${sheet}, ` +
          `extracted ${found[key]}`,
      );
    }
  });
}

function checkTableOfContents(lines: readonly string[], catalog: Catalog): void {
  const start = lines.indexOf("## Table of contents");
  const t = readTable(lines, start + 1, [
    "#",
    "table",
    "TS export (`schema.ts`)",
    "columns",
    "RLS",
  ]);
  const toc = t.rows.map((r) => `${/`(\w+)`/.exec(r[1])?.[1]} ${r[3]} ${r[4]}`);
  const got = catalog.tables.map((tb) =>
    `${tb.name} ${tb.columns.length} ${tb.rowSecurity ? "enabled" : "no"}`
  );
  if (JSON.stringify(toc) !== JSON.stringify(got)) {
    throw new Error(`table of contents disagrees with the sections:\n${toc}\n${got}`);
  }
}

function checkReferencedBy(catalog: Catalog, referencedBy: readonly string[]): void {
  const fromKeys = catalog.tables.flatMap((t) =>
    t.constraints.filter((c) => c.type === "f").map((c) =>
      `${t.name}.${c.columns.join(",")} -> ${c.references!.table} ${c.references!.onDelete}`
    )
  ).sort();
  const listed = [...referencedBy].sort();
  if (JSON.stringify(fromKeys) !== JSON.stringify(listed)) {
    const missing = fromKeys.filter((x) => !listed.includes(x));
    const extra = listed.filter((x) => !fromKeys.includes(x));
    throw new Error(
      `"Referenced by" lists disagree with the foreign keys: not listed ${missing}; ` +
        `listed without a key ${extra}`,
    );
  }
}

function checkTypeCensus(lines: readonly string[], catalog: Catalog): void {
  const start = lines.indexOf("### Type census");
  const t = readTable(lines, start + 1, ["type", "columns"]);
  const census = new Map(t.rows.map((r) => [code(r[0]), Number(r[1])]));
  const found = new Map<string, number>();
  for (const c of catalog.tables.flatMap((tb) => tb.columns)) {
    found.set(c.type, (found.get(c.type) ?? 0) + 1);
  }
  const a = JSON.stringify([...census].sort());
  const b = JSON.stringify([...found].sort());
  if (a !== b) throw new Error(`type census disagrees: sheet ${a}, extracted ${b}`);
}

/**
 * Serialises a catalog as JSON with each column, constraint, index and policy on one line where
 * it fits (`deno fmt` then breaks the long ones).
 */
export function catalogJson(catalog: Catalog): string {
  const leaf = (value: unknown): boolean =>
    value === null || typeof value !== "object" ||
    (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"));
  const inline = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
    if (value !== null && typeof value === "object") {
      const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
      return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
    }
    return JSON.stringify(value);
  };
  const flatObject = (value: object): boolean =>
    Object.values(value).every((v) =>
      leaf(v) || (v !== null && typeof v === "object" && !Array.isArray(v) && flatObject(v))
    );
  const render = (value: unknown, indent: string): string => {
    if (leaf(value)) return inline(value);
    const inner = indent + "  ";
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      return `[\n${value.map((v) => inner + render(v, inner)).join(",\n")}\n${indent}]`;
    }
    const obj = value as Record<string, unknown>;
    if (flatObject(obj)) return inline(obj);
    const entries = Object.entries(obj).map(([k, v]) =>
      `${inner}${JSON.stringify(k)}: ${render(v, inner)}`
    );
    return `{\n${entries.join(",\n")}\n${indent}}`;
  };
  return render(catalog, "") + "\n";
}

if (import.meta.main) {
  const markdown = await Deno.readTextFile(SHEET_URL);
  const catalog = extractBaselineCatalog(markdown);
  if (Deno.args.includes("--check")) {
    const committed = JSON.parse(await Deno.readTextFile(FIXTURE_URL));
    if (JSON.stringify(committed) !== JSON.stringify(catalog)) {
      console.error(`${FIXTURE_URL.pathname} is stale: run scripts/extract_baseline_catalog.ts`);
      Deno.exit(1);
    }
    console.log("baseline catalog fixture is up to date");
  } else {
    await Deno.writeTextFile(FIXTURE_URL, catalogJson(catalog));
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", FIXTURE_URL.pathname],
    }).output();
    if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
    console.log(`wrote ${FIXTURE_URL.pathname}`);
  }
}
