/**
 * The prechecks of the vNext upgrade as plain read-only queries: every legacy value that
 * `0001_vnext_expand` refuses, found with the very conditions of the `DO $precheck$` block at the
 * top of that file, but all of them at once and with the rows that hold them.
 *
 * `0001_vnext_expand` stops at the first illegal value it meets; {@linkcode runPrechecks} lists
 * every one, grouped by table, column and value, with a few row ids, their count and the fix.
 * Each check is one `SELECT` (ACCESS SHARE locks only, no write), so it is safe on a production
 * database at any time; run it in a `BEGIN READ ONLY` transaction for one consistent snapshot.
 *
 * The checks read the pre-vNext names (`prebuild_repos`, …) by default: they apply to a
 * database that has the baseline (0000) and not yet 0001. With `stage: "expanded"` they read the
 * names 0001 gives and apply to a database at 0001.
 *
 * **How the runner uses them (the online upgrade).** The precheck must not block writes, so
 * {@linkcode migrate} does not leave it to the `DO $precheck$` block, which scans nine tables
 * under SHARE locks inside 0001's transaction. Before it runs {@linkcode EXPAND_TAG}, it runs
 * {@linkcode runPrechecks} in a read-only transaction of its own (ACCESS SHARE locks only, so
 * reads and writes go on; serialised with other runners by their advisory lock) and refuses on
 * any finding, before anything changed.
 * It then runs 0001 with {@linkcode PRECHECKED_SETTING} set for that transaction only, so that
 * 0001's block skips its locked scans and the file holds catalog work alone. Applied any other
 * way (psql, drizzle-kit), 0001 runs its own block as before.
 *
 * A row that a pre-vNext writer changes after the runner's snapshot and before 0001 commits is
 * not seen by either (0001's NOT VALID constraints check only later writes). So once 0001 is
 * committed, the runner runs the checks again, online, at stage `expanded`: a finding there
 * names a row written in that gap; the run stops with 0001 applied (a consistent state: vNext
 * writers work on it, legacy rows are filled on write) and the rerun after the fix goes on.
 * Decision (the sheet is silent): a re-check under lock would make the window in which writers
 * must be stopped grow with the data, which is what the online upgrade removes.
 *
 * @module
 */
import {
  ACTION_INVOCATION_STATUSES,
  LEGACY_ACTION_INVOCATION_STATUSES,
  RISK_LEVELS,
} from "../providers/action-invocations.ts";
import {
  INTEGRATION_STATUSES,
  SLACK_INSTALLATION_STATUSES,
} from "../providers/connector-values.ts";
import { TRIGGER_KINDS } from "../providers/trigger-values.ts";
import {
  CLIENT_TYPES,
  SESSION_ORIGINS,
  SESSION_STATUSES,
  SESSION_TYPES,
} from "../sandbox/sessions.ts";
import type postgres from "postgres";

/** One illegal value (or one clash) that makes `0001_vnext_expand` refuse. */
export interface PrecheckFinding {
  /** Name of the check, e.g. `sessions.status`. */
  check: string;
  /** Table holding the rows. */
  table: string;
  /** Column holding the value. */
  column: string;
  /** The constraint or unique index the value breaks. */
  constraint: string;
  /** The value, as SQL shows it (`'archived'`, `NULL`, …). */
  value: string;
  /** Ids of up to {@linkcode PRECHECK_SAMPLE_SIZE} rows holding it, sorted. */
  rowIds: string[];
  /** Number of rows holding it. */
  count: number;
  /** What to do so that the upgrade goes through. */
  fix: string;
}

/** The tag of the expand step, before which {@linkcode migrate} runs the prechecks. */
export const EXPAND_TAG = "0001_vnext_expand";

/**
 * The setting (`set_config(…, 'on', true)`, transaction-local) with which the runner tells
 * 0001's `DO $precheck$` block that it ran the prechecks itself, online, just before.
 */
export const PRECHECKED_SETTING = "proliferate.vnext_prechecked";

/** Where {@linkcode runPrechecks} looks: before 0001 (`baseline`) or after it (`expanded`). */
export interface PrecheckOptions {
  /** `baseline` (default): pre-vNext names; `expanded`: the names 0001 gives. */
  stage?: "baseline" | "expanded";
}

/** How many row ids a finding names at most. */
export const PRECHECK_SAMPLE_SIZE = 5;

/** A value check: rows of `table` whose `column` fails `allowed`, as the DO block tests it. */
interface ValueCheck {
  table: string;
  column: string;
  constraint: string;
  /** SQL condition on alias `t` that a legal row satisfies (NULL counts as legal, as in SQL). */
  allowed: string;
  /** SQL expression on alias `t` showing the value. */
  shown: string;
  fix: string;
  /** Extra condition on alias `t` restricting the rows checked. */
  where?: string;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

function oneOf(table: string, column: string, values: readonly string[]): ValueCheck {
  return {
    table,
    column,
    constraint: `${table}_${column}_check`,
    allowed: `t.${column} IN (${list(values)})`,
    shown: `quote_nullable(t.${column})`,
    fix: `change ${column} of these ${table} rows to one of ${
      list(values)
    } (or delete them), then run migrate again`,
  };
}

/**
 * The value checks, in the order of the DO block of `0001_vnext_expand`, built from the same
 * value lists as the schema's CHECKs (tests compare them with what 0001 refuses).
 */
const VALUE_CHECKS: readonly ValueCheck[] = [
  oneOf("sessions", "status", SESSION_STATUSES),
  oneOf("sessions", "session_type", SESSION_TYPES),
  oneOf("sessions", "client_type", CLIENT_TYPES),
  oneOf("sessions", "origin", SESSION_ORIGINS),
  oneOf("action_invocations", "risk_level", RISK_LEVELS),
  oneOf("action_invocations", "status", [
    ...ACTION_INVOCATION_STATUSES,
    ...LEGACY_ACTION_INVOCATION_STATUSES,
  ]),
  {
    table: "action_invocations",
    column: "expires_at",
    constraint: "action_invocations_pending_expiry_check",
    allowed: "t.status <> 'pending' OR t.expires_at IS NOT NULL",
    shown: "'NULL on a row with status ''pending'''",
    fix: "give these pending action_invocations an expires_at (or another status), " +
      "then run migrate again",
  },
  oneOf("triggers", "trigger_type", TRIGGER_KINDS),
  oneOf("integrations", "status", INTEGRATION_STATUSES),
  oneOf("slack_installations", "status", SLACK_INSTALLATION_STATUSES),
  {
    // Every bundle path becomes a secret_files path, which secret_files_path_check limits.
    table: "secret_bundles",
    column: "target_path",
    constraint: "secret_files_path_check",
    allowed: "t.target_path <> '' AND t.target_path !~ '^/' AND t.target_path !~ '^[A-Za-z]:' " +
      "AND t.target_path !~ '(^|/)\\.\\.(/|$)'",
    shown: "quote_nullable(t.target_path)",
    where: "t.target_path IS NOT NULL",
    fix: "give these secret_bundles a relative target_path (not empty, no leading '/', no drive " +
      "letter, no '..' segment), or NULL, then run migrate again",
  },
];

/** The names of every check {@linkcode runPrechecks} runs, in order. */
export const PRECHECKS: readonly string[] = [
  ...VALUE_CHECKS.map((check) => `${check.table}.${check.column}`),
  "secret_bundles without a configuration",
  "secrets.bundle_id (bundle of another organization)",
  "secrets.key (organization-wide duplicates)",
  "trigger_events.dedup_key (legacy key collision)",
];

/**
 * Runs every precheck of `0001_vnext_expand` and returns what it would refuse (an empty list:
 * it would not refuse). Read-only: plain `SELECT`s.
 *
 * @example Before an upgrade
 * ```ts ignore
 * const findings = await sql.begin("read only", (tx) => runPrechecks(tx));
 * for (const f of findings) console.log(`${f.table}.${f.column} = ${f.value}: ${f.fix}`);
 * ```
 */
export async function runPrechecks(
  sql: postgres.Sql | postgres.TransactionSql,
  options: PrecheckOptions = {},
): Promise<PrecheckFinding[]> {
  const expanded = options.stage === "expanded";
  const findings: PrecheckFinding[] = [];
  for (const check of VALUE_CHECKS) findings.push(...await valueFindings(sql, check));
  findings.push(
    ...await bundlesWithoutConfiguration(sql, expanded ? "configuration_repos" : "prebuild_repos"),
  );
  findings.push(...await crossOrganizationBundleMembers(sql));
  // Once 0001 ran, the index exists (0001 builds it where it was missing).
  if (!expanded) findings.push(...await duplicateOrgWideSecrets(sql));
  findings.push(...await legacyDedupKeyCollisions(sql));
  return findings;
}

/**
 * One finding as a phrase: what holds what, which constraint refuses it, how many rows, and a
 * few of their ids.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFinding } from "./precheck.ts";
 * const text = describeFinding({
 *   check: "sessions.status", table: "sessions", column: "status",
 *   constraint: "sessions_status_check", value: "'archived'", rowIds: ["a"], count: 1, fix: "",
 * });
 * assert.equal(text, "sessions.status holds 'archived', which sessions_status_check does not allow (1 row: a)");
 * ```
 */
export function describeFinding(finding: PrecheckFinding): string {
  const more = finding.count > finding.rowIds.length ? ", …" : "";
  const rows = `${finding.count} row${finding.count === 1 ? "" : "s"}: ${
    finding.rowIds.join(", ")
  }${more}`;
  return `${finding.table}.${finding.column} holds ${finding.value}, which ` +
    `${finding.constraint} does not allow (${rows})`;
}

async function valueFindings(
  sql: postgres.Sql | postgres.TransactionSql,
  check: ValueCheck,
): Promise<PrecheckFinding[]> {
  // The texts are this module's constants, never input.
  const rows = await sql.unsafe<{ value: string; count: number; ids: string[] }[]>(`
    SELECT ${check.shown} AS value, count(*)::int AS count,
           (array_agg(t.id::text ORDER BY t.id::text))[1:${PRECHECK_SAMPLE_SIZE}] AS ids
    FROM "${check.table}" t
    WHERE NOT (${check.allowed})${check.where ? ` AND ${check.where}` : ""}
    GROUP BY 1 ORDER BY 1`);
  return rows.map((row) => ({
    check: `${check.table}.${check.column}`,
    table: check.table,
    column: check.column,
    constraint: check.constraint,
    value: row.value,
    rowIds: row.ids,
    count: row.count,
    fix: check.fix,
  }));
}

/**
 * Organization-wide secrets (no repo, no prebuild) sharing a key within one organization, which
 * the partial unique index `secrets_org_key_unique_when_org_wide` (drift D3: created by 0001
 * where it is missing) does not allow. Nothing to find where the index exists.
 */
export async function duplicateOrgWideSecrets(
  sql: postgres.Sql | postgres.TransactionSql,
): Promise<PrecheckFinding[]> {
  const [{ present }] = await sql<{ present: boolean }[]>`
    SELECT to_regclass('public.secrets_org_key_unique_when_org_wide') IS NOT NULL AS present`;
  if (present) return [];
  const rows = await sql<
    { organization_id: string; key: string; count: number; ids: string[] }[]
  >`
    SELECT s.organization_id::text AS organization_id, s.key, count(*)::int AS count,
           (array_agg(s.id::text ORDER BY s.id::text))[1:${PRECHECK_SAMPLE_SIZE}] AS ids
    FROM "secrets" s
    WHERE s.repo_id IS NULL AND s.prebuild_id IS NULL
    GROUP BY s.organization_id, s.key
    HAVING count(*) > 1
    ORDER BY 1, 2`;
  return rows.map((row) => ({
    check: "secrets.key (organization-wide duplicates)",
    table: "secrets",
    column: "key",
    constraint: "secrets_org_key_unique_when_org_wide",
    value: `${quote(row.key)} in organization ${quote(row.organization_id)}`,
    rowIds: row.ids,
    count: row.count,
    fix: `keep one organization-wide secret with key ${
      quote(row.key)
    } in that organization (delete the others or scope them to a repo), then run migrate again`,
  }));
}

/**
 * Events without a dedup key whose trigger already has an event with the key the backfill
 * would give them (`'legacy:' || id`), which `trigger_events_trigger_id_dedup_key_key` (built
 * by 0004) does not allow.
 */
export async function legacyDedupKeyCollisions(
  sql: postgres.Sql | postgres.TransactionSql,
): Promise<PrecheckFinding[]> {
  const rows = await sql<{ id: string; trigger_id: string; holder: string }[]>`
    SELECT e.id::text AS id, e.trigger_id::text AS trigger_id, o.id::text AS holder
    FROM "trigger_events" e
    JOIN "trigger_events" o ON o.trigger_id = e.trigger_id AND o.dedup_key = 'legacy:' || e.id
    WHERE e.dedup_key IS NULL
    ORDER BY e.id::text`;
  return rows.map((row) => ({
    check: "trigger_events.dedup_key (legacy key collision)",
    table: "trigger_events",
    column: "dedup_key",
    constraint: "trigger_events_trigger_id_dedup_key_key",
    value: `${
      quote(`legacy:${row.id}`)
    } (held by event ${row.holder} of trigger ${row.trigger_id})`,
    rowIds: [row.id],
    count: 1,
    fix: `change the dedup_key of event ${row.holder}, or give event ${row.id} a dedup_key ` +
      "of its own, then run migrate again",
  }));
}

/**
 * Bundles with a target path whose organization has no configuration linked through its repos
 * (`prebuild_repos`, named `configuration_repos` once 0001 ran): their file would have no
 * configuration to go to, so the upgrade refuses them (before 0001, and after it for a bundle
 * written in between) rather than drop their path and membership. `repoLinks` names the link
 * table as the database has it.
 */
export async function bundlesWithoutConfiguration(
  sql: postgres.Sql | postgres.TransactionSql,
  repoLinks: "prebuild_repos" | "configuration_repos" = "prebuild_repos",
): Promise<PrecheckFinding[]> {
  const rows = await sql.unsafe<{ count: number; ids: string[] }[]>(`
    SELECT count(*)::int AS count,
           (array_agg(b.id::text ORDER BY b.id::text))[1:${PRECHECK_SAMPLE_SIZE}] AS ids
    FROM "secret_bundles" b
    WHERE b.target_path IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "${repoLinks}" pr JOIN "repos" r ON r.id = pr.repo_id
                      WHERE r.organization_id = b.organization_id)
    HAVING count(*) > 0`);
  return rows.map((row) => ({
    check: "secret_bundles without a configuration",
    table: "secret_bundles",
    column: "target_path",
    constraint: "(carry-forward into secret_files)",
    value: "a target_path in an organization without a configuration",
    rowIds: row.ids,
    count: row.count,
    fix: "link a prebuild to one of the organization's repos (prebuild_repos) so the file is " +
      "carried into it, or delete the bundle or set its target_path to NULL; then run migrate " +
      "again",
  }));
}

/**
 * Secrets that are members of a bundle with a target path of another organization: carrying
 * them would put one tenant's secret into another's configurations, so the upgrade refuses.
 */
export async function crossOrganizationBundleMembers(
  sql: postgres.Sql | postgres.TransactionSql,
): Promise<PrecheckFinding[]> {
  const rows = await sql<{ count: number; ids: string[] }[]>`
    select count(*)::int as count,
           (array_agg(s.id::text order by s.id::text))[1:${PRECHECK_SAMPLE_SIZE}] as ids
    from "secrets" s join "secret_bundles" b on b.id = s.bundle_id
    where b.target_path is not null and b.organization_id <> s.organization_id
    having count(*) > 0`;
  return rows.map((row) => ({
    check: "secrets.bundle_id (bundle of another organization)",
    table: "secrets",
    column: "bundle_id",
    constraint: "(carry-forward into configuration_secrets)",
    value: "a bundle of another organization",
    rowIds: row.ids,
    count: row.count,
    fix: "move these secrets into a bundle of their own organization or set their bundle_id to " +
      "NULL, then run migrate again",
  }));
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
