/**
 * The Drizzle relations of `schema/relations.ts`: checked against the foreign keys the tables
 * declare (every key has its `one()` and `many()`, every relation stands for a key), and used
 * through the relational query API on a migrated database.
 */
import assert from "node:assert/strict";
import {
  type Column,
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableColumns,
  getTableName,
  getTableUniqueName,
  is,
  Many,
  normalizeRelation,
  One,
  type Relation,
  Relations,
  type Table,
} from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../schema/mod.ts";
import { freshDatabase } from "./_db.ts";

// ---------------------------------------------------------------------------------------------
// Pure checks: relations against the declared foreign keys

const exports: Record<string, unknown> = schema;
const tables: PgTable[] = [
  ...new Set(Object.values(exports).filter((v): v is PgTable => is(v, PgTable))),
];

/** Drizzle's own view of the schema, as `drizzle(client, { schema })` builds it. */
const relational = extractTablesRelationalConfig(schema, createTableRelationsHelpers);

/**
 * The relations of `table` as drizzle holds them (the same objects `normalizeRelation` compares
 * by identity when a self-relation pairs by `relationName`).
 */
function relationsOf(table: Table): Record<string, Relation> {
  const tsName = relational.tableNamesMap[getTableUniqueName(table)];
  return tsName ? relational.tables[tsName].relations : {};
}

const relationsExports = Object.entries(exports).filter(
  (entry): entry is [string, Relations] => is(entry[1], Relations),
);

/**
 * Whether two column lists name the same columns in the same order. By name: the columns a
 * `foreignKey()` holds are copies drizzle makes for the table's extra config, not the table's
 * own column objects; the tables are compared separately.
 */
function sameColumns(a: readonly Column[], b: readonly Column[]): boolean {
  return a.length === b.length && a.every((column, i) => column.name === b[i].name);
}

function columnList(table: Table, columns: readonly Column[]): string {
  return `${getTableName(table)}(${columns.map((c) => c.name).join(", ")})`;
}

/** The `one()` relations of `table` with explicit fields, by relation name. */
function onesOf(table: Table): [string, One][] {
  return Object.entries(relationsOf(table)).filter(
    (entry): entry is [string, One] => is(entry[1], One) && entry[1].config !== undefined,
  );
}

/** The `many()` relations of `table`, with the columns drizzle resolves each to. */
function manysOf(table: Table): { many: Many<string>; fields: Column[]; references: Column[] }[] {
  return Object.values(relationsOf(table))
    .filter((relation): relation is Many<string> => is(relation, Many))
    .map((many) => ({
      many,
      ...normalizeRelation(relational.tables, relational.tableNamesMap, many),
    }));
}

Deno.test("every foreign key has a one() with its columns and a many() back on the referenced table", () => {
  let keys = 0;
  for (const table of tables) {
    for (const fk of getTableConfig(table).foreignKeys) {
      keys++;
      const { columns, foreignColumns, foreignTable } = fk.reference();
      const key = `${fk.getName()}: ${columnList(table, columns)} → ${
        columnList(foreignTable, foreignColumns)
      }`;
      const ones = onesOf(table).filter(([, one]) =>
        one.referencedTable === foreignTable &&
        sameColumns(one.config!.fields, columns) &&
        sameColumns(one.config!.references, foreignColumns)
      );
      assert.equal(ones.length, 1, `${key} needs exactly one one() in relations.ts`);

      const manys = manysOf(foreignTable).filter(({ many, fields, references }) =>
        many.referencedTable === table && sameColumns(fields, foreignColumns) &&
        sameColumns(references, columns)
      );
      assert.equal(manys.length, 1, `${key} needs exactly one many() on the referenced table`);
    }
  }
  assert.ok(keys > 80, `only ${keys} foreign keys found: are the tables exported?`);
});

Deno.test("every relation stands for a foreign key and no relation name shadows a column", () => {
  const seen = new Set<Table>();
  let ones = 0;
  for (const [exportName, { table }] of relationsExports) {
    assert.ok(!seen.has(table), `${exportName}: a second relations object for its table`);
    seen.add(table);
    assert.ok(tables.includes(table as PgTable), `${exportName}: table outside schema/mod.ts`);
    const columns = getTableColumns(table);
    for (const [name, relation] of Object.entries(relationsOf(table))) {
      const where = `${getTableName(table)}.${name}`;
      assert.ok(!(name in columns), `${where} has the name of a column property`);
      if (is(relation, One)) {
        assert.ok(relation.config, `${where}: one() without fields/references`);
        const matches = getTableConfig(table as PgTable).foreignKeys.filter((fk) => {
          const ref = fk.reference();
          return ref.foreignTable === relation.referencedTable &&
            sameColumns(ref.columns, relation.config!.fields) &&
            sameColumns(ref.foreignColumns, relation.config!.references);
        });
        assert.equal(matches.length, 1, `${where} matches no foreign key of the table`);
        ones++;
      } else {
        // A many() must resolve to a one() of the other table, which the branch above ties to
        // a foreign key; drizzle throws when it cannot, or when the pairing is ambiguous.
        normalizeRelation(relational.tables, relational.tableNamesMap, relation);
      }
    }
  }
  assert.ok(ones > 80, `only ${ones} one() relations found: are the relations exported?`);
});

Deno.test("each table has one export name, and it carries the table's relations", () => {
  // `db.query.<name>` and nested `with` look tables up by export name; drizzle attaches a
  // relations object to one name only, so a table exported twice would lose them under one.
  const names = Object.keys(relational.tables);
  const tables = names.map((name) => getTableName(exports[name] as Table));
  assert.equal(new Set(tables).size, tables.length, "a table is exported under two names");
  assert.ok(names.length > 40, `only ${names.length} tables in db.query: is the schema exported?`);
  for (const [tsName, config] of Object.entries(relational.tables)) {
    const table = exports[tsName] as Table;
    const declared = relationsExports.find(([, r]) => r.table === table)?.[1];
    assert.deepEqual(
      Object.keys(config.relations).sort(),
      Object.keys(declared?.config(createTableRelationsHelpers(table)) ?? {}).sort(),
      `db.query.${tsName} lacks relations of ${getTableName(table)}`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// Relational queries on a migrated database

type Orm = PostgresJsDatabase<typeof schema>;

/** Ids of the graph `seedGraph` inserts. */
interface Graph {
  userId: string;
  organizationId: string;
  repoId: string;
  configurationId: string;
  sessionId: string;
  childSessionId: string;
  scopedSecretId: string;
  orgSecretId: string;
  secretFileId: string;
  automationId: string;
  triggerEventId: string;
  eventSessionId: string;
}

/**
 * A user in an organization with a repo, a configuration mounting it, a session of that
 * configuration with a child session, a configuration-scoped secret written into a secret file
 * and an org-wide secret linked as an environment variable, an automation defaulting to the
 * configuration, and a trigger event that names the first session and started a third one.
 */
async function seedGraph(orm: Orm): Promise<Graph> {
  const g: Graph = {
    userId: "user_relations",
    organizationId: "org_relations",
    repoId: crypto.randomUUID(),
    configurationId: crypto.randomUUID(),
    sessionId: crypto.randomUUID(),
    childSessionId: crypto.randomUUID(),
    scopedSecretId: crypto.randomUUID(),
    orgSecretId: crypto.randomUUID(),
    secretFileId: crypto.randomUUID(),
    automationId: crypto.randomUUID(),
    triggerEventId: crypto.randomUUID(),
    eventSessionId: crypto.randomUUID(),
  };
  const triggerId = crypto.randomUUID();
  const now = new Date();
  await orm.insert(schema.user).values({
    id: g.userId,
    name: "Ada",
    email: "ada@example.com",
    emailVerified: true,
  });
  await orm.insert(schema.organization).values({
    id: g.organizationId,
    name: "Relations",
    slug: "relations",
    createdAt: now,
  });
  await orm.insert(schema.member).values({
    id: "member_relations",
    organizationId: g.organizationId,
    userId: g.userId,
    role: "owner",
    createdAt: now,
  });
  await orm.insert(schema.repos).values({
    id: g.repoId,
    organizationId: g.organizationId,
    githubUrl: "https://github.com/acme/app",
    githubRepoId: "1",
    githubRepoName: "acme/app",
    addedBy: g.userId,
  });
  await orm.insert(schema.configurations).values({
    id: g.configurationId,
    name: "app",
    createdBy: g.userId,
  });
  await orm.insert(schema.configurationRepos).values({
    configurationId: g.configurationId,
    repoId: g.repoId,
    workspacePath: ".",
  });
  await orm.insert(schema.sessions).values([
    {
      id: g.sessionId,
      organizationId: g.organizationId,
      configurationId: g.configurationId,
      repoId: g.repoId,
      createdBy: g.userId,
    },
    {
      id: g.childSessionId,
      organizationId: g.organizationId,
      configurationId: g.configurationId,
      parentSessionId: g.sessionId,
    },
  ]);
  await orm.insert(schema.secrets).values([
    {
      id: g.scopedSecretId,
      organizationId: g.organizationId,
      configurationId: g.configurationId,
      key: "API_KEY",
      encryptedValue: "ciphertext-1",
      createdBy: g.userId,
    },
    {
      id: g.orgSecretId,
      organizationId: g.organizationId,
      key: "SHARED_TOKEN",
      encryptedValue: "ciphertext-2",
    },
  ]);
  await orm.insert(schema.secretFiles).values({
    id: g.secretFileId,
    organizationId: g.organizationId,
    configurationId: g.configurationId,
    filePath: "app/.env.local",
  });
  await orm.insert(schema.configurationSecrets).values([
    {
      configurationId: g.configurationId,
      secretId: g.scopedSecretId,
      secretFileId: g.secretFileId,
    },
    { configurationId: g.configurationId, secretId: g.orgSecretId },
  ]);
  await orm.insert(schema.automations).values({
    id: g.automationId,
    organizationId: g.organizationId,
    createdBy: g.userId,
    defaultConfigurationId: g.configurationId,
  });
  await orm.insert(schema.triggers).values({
    id: triggerId,
    organizationId: g.organizationId,
    automationId: g.automationId,
    provider: "github",
  });
  await orm.insert(schema.triggerEvents).values({
    id: g.triggerEventId,
    triggerId,
    organizationId: g.organizationId,
    sessionId: g.sessionId,
    context: {},
    dedupKey: "delivery-1",
    provider: "github",
    eventType: "issue.opened",
    occurredAt: now,
    title: "Issue opened",
  });
  await orm.insert(schema.sessions).values({
    id: g.eventSessionId,
    organizationId: g.organizationId,
    automationId: g.automationId,
    triggerId,
    triggerEventId: g.triggerEventId,
  });
  return g;
}

/** Runs `body` on a freshly migrated database holding the seeded graph. */
async function withGraph(body: (orm: Orm, g: Graph) => Promise<void>): Promise<void> {
  await using db = await freshDatabase({ migrations: "all" });
  const client = postgres(db.url, { onnotice: () => {} });
  try {
    const orm = drizzle(client, { schema });
    await body(orm, await seedGraph(orm));
  } finally {
    await client.end();
  }
}

Deno.test("a session loads its configuration and the repos the configuration mounts", async () => {
  await withGraph(async (orm, g) => {
    const found = await orm.query.sessions.findFirst({
      where: (s, { eq }) => eq(s.id, g.sessionId),
      with: { configuration: { with: { configurationRepos: { with: { repo: true } } } } },
    });
    assert.ok(found?.configuration, "the session's configuration");
    assert.equal(found.configuration.id, g.configurationId);
    assert.deepEqual(
      found.configuration.configurationRepos.map((link) => ({
        repoId: link.repoId,
        workspacePath: link.workspacePath,
        repoName: link.repo.githubRepoName,
      })),
      [{ repoId: g.repoId, workspacePath: ".", repoName: "acme/app" }],
    );
  });
});

Deno.test("a configuration loads its sessions, scoped secrets, secret files and secret links", async () => {
  await withGraph(async (orm, g) => {
    const found = await orm.query.configurations.findFirst({
      where: (c, { eq }) => eq(c.id, g.configurationId),
      with: {
        createdByUser: true,
        user: true,
        sessions: { columns: { id: true } },
        automations: { columns: { id: true } },
        secrets: { columns: { id: true, key: true } },
        secretFiles: { columns: { id: true, filePath: true } },
        configurationSecrets: {
          with: { secret: { columns: { key: true } }, secretFile: { columns: { filePath: true } } },
        },
      },
    });
    assert.ok(found);
    assert.equal(found.createdByUser?.email, "ada@example.com");
    assert.equal(found.user, null, "not a CLI configuration");
    assert.deepEqual(
      found.sessions.map((s) => s.id).sort(),
      [g.sessionId, g.childSessionId].sort(),
    );
    assert.deepEqual(found.automations, [{ id: g.automationId }]);
    assert.deepEqual(found.secrets, [{ id: g.scopedSecretId, key: "API_KEY" }]);
    assert.deepEqual(found.secretFiles, [{ id: g.secretFileId, filePath: "app/.env.local" }]);
    // The file is matched on (configuration_id, secret_file_id), as the composite key says; a
    // link without a file is an environment variable.
    assert.deepEqual(
      found.configurationSecrets
        .map((link) => [link.secret.key, link.secretFile?.filePath ?? null])
        .sort(),
      [["API_KEY", "app/.env.local"], ["SHARED_TOKEN", null]],
    );

    const automation = await orm.query.automations.findFirst({
      where: (a, { eq }) => eq(a.id, g.automationId),
      with: { defaultConfiguration: { columns: { name: true } } },
    });
    assert.deepEqual(automation?.defaultConfiguration, { name: "app" });
  });
});

Deno.test("keys paired by relationName resolve each to its own side", async () => {
  await withGraph(async (orm, g) => {
    const user = await orm.query.user.findFirst({
      where: (u, { eq }) => eq(u.id, g.userId),
      with: {
        createdConfigurations: { columns: { id: true } },
        cliConfigurations: { columns: { id: true } },
        createdSessions: { columns: { id: true } },
        memberships: { with: { organization: { columns: { slug: true } } } },
      },
    });
    assert.ok(user);
    assert.deepEqual(user.createdConfigurations, [{ id: g.configurationId }]);
    assert.deepEqual(user.cliConfigurations, [], "configurations.user_id is not created_by");
    assert.deepEqual(user.createdSessions, [{ id: g.sessionId }]);
    assert.deepEqual(user.memberships.map((m) => m.organization.slug), ["relations"]);

    const parent = await orm.query.sessions.findFirst({
      where: (s, { eq }) => eq(s.id, g.sessionId),
      with: {
        parentSession: true,
        childSessions: { columns: { id: true } },
        triggerEvent: true,
        triggerEvents: { columns: { id: true } },
      },
    });
    assert.ok(parent);
    assert.equal(parent.parentSession, null);
    assert.deepEqual(parent.childSessions, [{ id: g.childSessionId }]);
    assert.equal(parent.triggerEvent, null, "not started by a trigger event");
    assert.deepEqual(parent.triggerEvents, [{ id: g.triggerEventId }]);

    const event = await orm.query.triggerEvents.findFirst({
      where: (e, { eq }) => eq(e.id, g.triggerEventId),
      with: {
        session: { columns: { id: true } },
        sessions: { columns: { id: true } },
        trigger: { with: { automation: { columns: { id: true } } } },
      },
    });
    assert.ok(event);
    assert.deepEqual(event.session, { id: g.sessionId });
    assert.deepEqual(event.sessions, [{ id: g.eventSessionId }]);
    assert.equal(event.trigger.automation.id, g.automationId);

    const org = await orm.query.organization.findFirst({
      where: (o, { eq }) => eq(o.id, g.organizationId),
      with: {
        repos: { with: { addedByUser: { columns: { id: true } } } },
        secrets: { columns: { key: true } },
        sessions: { columns: { id: true } },
      },
    });
    assert.ok(org);
    assert.deepEqual(org.repos.map((r) => r.addedByUser?.id), [g.userId]);
    assert.deepEqual(org.secrets.map((s) => s.key).sort(), ["API_KEY", "SHARED_TOKEN"]);
    assert.equal(org.sessions.length, 3);
  });
});
