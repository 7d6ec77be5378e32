/**
 * Small aliases that spell a Drizzle table's type one line per column (private to `schema/`).
 * `_tables.ts` uses them for the explicit type of every table, so that JSR publishes the tables
 * without inference ("no slow types") and a consumer's type check does not infer them again.
 * The aliases build the same column builder types drizzle's `text()`, `.notNull()`, `.$type()`
 * and friends return; `tests/schema_types_test.ts` proves each table's type equal to drizzle's
 * inferred one.
 *
 * @module
 */
import type {
  $Type,
  BuildColumns,
  ColumnBuilderBase,
  HasDefault,
  IsPrimaryKey,
  NotNull,
} from "drizzle-orm";
import type {
  PgArrayBuilder,
  PgBooleanBuilderInitial,
  PgIntegerBuilderInitial,
  PgJsonbBuilderInitial,
  PgNumericBuilderInitial,
  PgTableWithColumns,
  PgTextBuilder,
  PgTextBuilderInitial,
  PgTimestampBuilderInitial,
  PgUUIDBuilderInitial,
} from "drizzle-orm/pg-core";

/** The config of `text(name)`, the base of a text array. */
type TextConfig<N extends string> = PgTextBuilderInitial<N, [string, ...string[]]> extends
  PgTextBuilder<infer C> ? C : never;

/** `text(name).array()`. */
type TextArray<N extends string> = PgArrayBuilder<
  {
    name: N;
    dataType: "array";
    columnType: "PgArray";
    data: string[];
    driverParam: string[] | string;
    enumValues: [string, ...string[]];
    size: undefined;
    baseBuilder: TextConfig<N>;
  },
  TextConfig<N>
>;

/** The column builders the schema uses, by the name of the function that makes them. */
interface Builders<N extends string> {
  text: PgTextBuilderInitial<N, [string, ...string[]]>;
  textArray: TextArray<N>;
  uuid: PgUUIDBuilderInitial<N>;
  timestamp: PgTimestampBuilderInitial<N>;
  jsonb: PgJsonbBuilderInitial<N>;
  integer: PgIntegerBuilderInitial<N>;
  boolean: PgBooleanBuilderInitial<N>;
  numeric: PgNumericBuilderInitial<N>;
}

/** What a column declares: `notNull`, a `default`, or `pk` (primary key, hence not null). */
export type Flag = "notNull" | "default" | "pk";

type Typed<B extends ColumnBuilderBase, T> = [T] extends [never] ? B : $Type<B, T>;
type Mandatory<B extends ColumnBuilderBase, F> = "pk" extends F ? IsPrimaryKey<NotNull<B>>
  : "notNull" extends F ? NotNull<B>
  : B;
type Defaulted<B extends ColumnBuilderBase, F> = "default" extends F ? HasDefault<B> : B;

/**
 * One column: SQL name, builder, flags and the `.$type<…>()` it narrows to, e.g.
 * `Col<"status", "text", "notNull" | "default", SessionStatus>` for
 * `text("status").$type<SessionStatus>().notNull().default("starting")`.
 */
export type Col<
  N extends string,
  K extends keyof Builders<N>,
  F extends Flag = never,
  T = never,
> = Defaulted<Mandatory<Typed<Builders<N>[K], T>, F>, F>;

/** The table `pgTable(name, columns)` returns. */
export type Table<N extends string, C extends Record<string, ColumnBuilderBase>> =
  PgTableWithColumns<{
    name: N;
    schema: undefined;
    columns: BuildColumns<N, C, "pg">;
    dialect: "pg";
  }>;
