/**
 * Writes `schema/_tables.ts`, the explicit type of every table, relations object and schema
 * export of `schema/`, from the tables themselves: each column's SQL name, builder, NOT NULL,
 * DEFAULT and PRIMARY KEY come from drizzle's runtime metadata, and its `.$type<…>()` from the
 * column's line in the source. With `--check` it writes nothing and exits 1 when the file is
 * stale or a schema export lacks its annotation. `tests/schema_types_test.ts` runs the check and
 * proves each written type equal to drizzle's inferred one.
 *
 * @module
 */
import {
  createTableRelationsHelpers,
  getTableColumns,
  getTableName,
  is,
  One,
  Relations,
  Table,
} from "drizzle-orm";
import { PgSchema } from "drizzle-orm/pg-core";
import * as schema from "../schema/mod.ts";

const root = new URL("../schema/", import.meta.url);
const outputPath = new URL("_tables.ts", root);

/** Which `_columns.ts` builder each drizzle column type stands for. */
const BUILDERS: Record<string, string> = {
  PgText: "text",
  PgUUID: "uuid",
  PgTimestamp: "timestamp",
  PgJsonb: "jsonb",
  PgInteger: "integer",
  PgBoolean: "boolean",
  PgNumeric: "numeric",
};

/** One export of `schema/` that needs an explicit type, with the name of that type. */
export interface SchemaExport {
  /** The export's name (`sessions`). */
  name: string;
  /** Its type in `_tables.ts` (`SessionsTable`). */
  type: string;
  /** The module that declares it (`sessions.ts`). */
  file: string;
  /** What it is. */
  kind: "table" | "relations" | "schema";
}

function typeName(name: string, kind: SchemaExport["kind"]): string {
  const base = name[0].toUpperCase() + name.slice(1);
  return kind === "table" ? `${base}Table` : kind === "schema" ? `${base}Type` : base;
}

async function sources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(root)) {
    if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
      files.set(entry.name, await Deno.readTextFile(new URL(entry.name, root)));
    }
  }
  return files;
}

function declaringFile(files: Map<string, string>, name: string): string {
  const pattern = new RegExp(`^export const ${name}\\b`, "m");
  for (const [file, text] of [...files].sort()) if (pattern.test(text)) return file;
  throw new Error(`no module of schema/ declares ${name}`);
}

/** Every table, relations object and `pgSchema` that `schema/mod.ts` exports, by name. */
export async function schemaExports(): Promise<SchemaExport[]> {
  const files = await sources();
  const out: SchemaExport[] = [];
  for (const [name, value] of Object.entries(schema).sort(([a], [b]) => a < b ? -1 : 1)) {
    const kind = is(value, Table)
      ? "table"
      : is(value, Relations)
      ? "relations"
      : is(value, PgSchema)
      ? "schema"
      : undefined;
    if (kind) {
      out.push({ name, type: typeName(name, kind), file: declaringFile(files, name), kind });
    }
  }
  return out;
}

/** The `.$type<…>()` of each column of table `name`, read from its declaration. */
function declaredTypes(source: string, name: string): Map<string, string> {
  const start = source.search(new RegExp(`^export const ${name}\\b`, "m"));
  const lines = source.slice(start).split("\n").slice(1);
  const types = new Map<string, string>();
  let key: string | undefined;
  let text = "";
  const flush = () => {
    const match = key && text.match(/\.\$type<(.+?)>\(\)/);
    if (key && match) types.set(key, match[1]);
  };
  for (const line of lines) {
    if (/^ {2}\}|^ {2}\(t\)|^\);/.test(line)) break;
    const column = line.match(/^ {4}(\w+): /);
    if (column) {
      flush();
      key = column[1];
      text = line;
    } else if (key) {
      text += line.trim();
    }
  }
  flush();
  return types;
}

function tableType(
  item: SchemaExport,
  table: Table,
  source: string,
  imported: Set<string>,
): string {
  const types = declaredTypes(source, item.name);
  const lines: string[] = [];
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const base = column.columnType === "PgArray"
      ? `${
        BUILDERS[
          (column as unknown as { baseColumn: { columnType: string } }).baseColumn
            .columnType
        ]
      }Array`
      : BUILDERS[column.columnType];
    if (!base || base === "undefinedArray") {
      throw new Error(`${item.name}.${key}: no alias for ${column.columnType}`);
    }
    const flags = [
      column.primary ? "pk" : column.notNull ? "notNull" : undefined,
      column.hasDefault ? "default" : undefined,
    ].filter((flag) => flag !== undefined).map((flag) => `"${flag}"`);
    const declared = types.get(key);
    if (declared) {
      for (const word of declared.match(/\b[A-Z]\w*/g) ?? []) imported.add(word);
    }
    const args = [`"${column.name}"`, `"${base}"`];
    if (flags.length > 0 || declared) args.push(flags.length > 0 ? flags.join(" | ") : "never");
    if (declared) args.push(declared);
    lines.push(`  ${key}: Col<${args.join(", ")}>;`);
  }
  return [
    `/** Type of \`${item.name}\` (${item.file}). */`,
    `export type ${item.type} = Table<"${getTableName(table)}", {`,
    ...lines,
    "}>;",
  ].join("\n");
}

function relationsType(item: SchemaExport, value: Relations): string {
  const config = value.config(createTableRelationsHelpers(value.table));
  const lines = Object.entries(config).map(([key, relation]) =>
    is(relation, One)
      ? `  ${key}: One<"${relation.referencedTableName}", ${relation.isNullable}>;`
      : `  ${key}: Many<"${relation.referencedTableName}">;`
  );
  return [
    `/** Type of \`${item.name}\` (${item.file}). */`,
    `export type ${item.type} = Relations<"${getTableName(value.table)}", {`,
    ...lines,
    "}>;",
  ].join("\n");
}

/** Renders `schema/_tables.ts`. */
export async function renderTableTypes(): Promise<string> {
  const files = await sources();
  const imported = new Set<string>();
  const blocks: string[] = [];
  for (const item of await schemaExports()) {
    const value = (schema as Record<string, unknown>)[item.name];
    if (item.kind === "table") {
      blocks.push(tableType(item, value as Table, files.get(item.file)!, imported));
    } else if (item.kind === "relations") {
      blocks.push(relationsType(item, value as Relations));
    } else {
      const schemaName = (value as PgSchema).schemaName;
      blocks.push(
        `/** Type of \`${item.name}\` (${item.file}). */\nexport type ${item.type} = PgSchema<"${schemaName}">;`,
      );
    }
  }
  const names = [...imported].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1);
  return [
    "// Generated by scripts/schema_types.ts from the tables of schema/; do not edit.",
    "// `deno run -A scripts/schema_types.ts` rewrites it; tests/schema_types_test.ts fails when",
    "// it is stale and proves each type equal to drizzle's inferred one.",
    "/**",
    " * The explicit type of every table, relations object and schema of `schema/`, one line per",
    " * column or relation (private to `schema/`; the modules annotate their exports with them).",
    " *",
    " * @module",
    " */",
    'import type { Many, One, Relations } from "drizzle-orm";',
    'import type { PgSchema } from "drizzle-orm/pg-core";',
    `import type { ${names.join(", ")} } from "../mod.ts";`,
    'import type { Col, Table } from "./_columns.ts";',
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
}

/** Schema exports whose declaration does not carry its `_tables.ts` type. */
export async function missingAnnotations(): Promise<string[]> {
  const files = await sources();
  return (await schemaExports()).filter((item) =>
    !files.get(item.file)!.includes(`export const ${item.name}: ${item.type} = `)
  ).map((item) => `${item.file}: export const ${item.name}: ${item.type} = …`);
}

async function formatted(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    stdin: "piped",
    stdout: "piped",
    cwd: new URL("..", root),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error("deno fmt failed on the generated types");
  return new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  const text = await formatted(await renderTableTypes());
  if (Deno.args.includes("--check")) {
    const current = await Deno.readTextFile(outputPath).catch(() => "");
    const missing = await missingAnnotations();
    for (const line of missing) console.error(`missing annotation: ${line}`);
    if (current !== text) {
      console.error(
        "schema/_tables.ts is stale: run `deno run -A scripts/schema_types.ts` and commit it.",
      );
    }
    if (current !== text || missing.length > 0) Deno.exit(1);
    console.log("schema/_tables.ts matches schema/.");
  } else {
    await Deno.writeTextFile(outputPath, text);
    console.log(`wrote schema/_tables.ts (${(await schemaExports()).length} types)`);
  }
}
