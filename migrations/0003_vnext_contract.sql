-- vNext upgrade, step 3 of 3: contract. Created with drizzle-kit generate --custom (its snapshot
-- equals 0001's, which already describes this end state) and written by hand. A transaction
-- keeps every lock it takes until it commits, so the statements go from the weakest lock to the
-- strongest: (1) VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes go on), (3) under
-- locks on secret_bundles and secrets, the carry-forward of bundles written since 0002, (4) last,
-- the catalog-only statements that need ACCESS EXCLUSIVE, each instant, the drops at the very
-- end. The unique index builds that were step (2) run outside any transaction, concurrently, in
-- 0004_vnext_indexes, and 0005 attaches the dedup unique constraint to its index.
-- squawk-ignore-file adding-not-nullable-field, require-concurrent-index-deletion, ban-drop-table, ban-drop-column
-- Reason: every SET NOT NULL here follows a validated CHECK (col IS NOT NULL), so PostgreSQL
-- skips the scan; DROP INDEX CONCURRENTLY cannot run in the runner's transaction, and these drops are
-- catalog-only, in the final ACCESS EXCLUSIVE phase on tables that phase locks anyway; the drops
-- of secret_bundles, secrets.bundle_id and action_grants are what the sheet asks (§5.2).

-- (1) Validate what 0001 added NOT VALID. Existing rows were prechecked (0001) or backfilled
-- (0002), and new rows have been checked since 0001, so these only confirm it.
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_configuration_id_fkey";--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_status_check";--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_session_type_check";--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_client_type_check";--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_origin_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_source_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_denied_reason_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_risk_level_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_status_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_pending_expiry_check";--> statement-breakpoint
ALTER TABLE "organization" VALIDATE CONSTRAINT "organization_action_modes_check";--> statement-breakpoint
ALTER TABLE "automations" VALIDATE CONSTRAINT "automations_action_modes_check";--> statement-breakpoint
ALTER TABLE "org_connectors" VALIDATE CONSTRAINT "org_connectors_tool_risk_overrides_check";--> statement-breakpoint
ALTER TABLE "integrations" VALIDATE CONSTRAINT "integrations_status_check";--> statement-breakpoint
ALTER TABLE "slack_installations" VALIDATE CONSTRAINT "slack_installations_status_check";--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_trigger_type_check";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_not_null_tmp";--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_source_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_provider_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_event_type_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_occurred_at_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_title_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_context_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_dedup_key_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_status_not_null_tmp";--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_enabled_not_null_tmp";--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_config_not_null_tmp";--> statement-breakpoint
-- Hand-written (sheet §5.2): (3) bundles are carried forward or refused, never dropped. Writers
-- of secret_bundles and of secrets.bundle_id still work after 0001 (their names do not change),
-- so bundles may have been written, or secrets moved into or between bundles, after 0002 ran.
-- From here until this transaction commits no row of secret_bundles or secrets changes (ACCESS
-- EXCLUSIVE: the drops in (4) need it anyway, and taking it now means no lock upgrade that a
-- session reading and then writing secrets could deadlock with), and no organization gains or
-- loses a configuration (configuration_repos and repos in SHARE mode: reads go on). Then the
-- guard refuses what cannot be carried, as 0001's precheck did (0002 says why), and 0002's two
-- carry-forward statements run again, unchanged. They write only what is missing (NOT EXISTS,
-- and ON CONFLICT for rows written meanwhile), so what 0002 carried stays as it is, whatever
-- came later is added, and the result is the same whether or not 0002 already carried a bundle.
-- This runs before (4), so reads of the tables (4) locks go on meanwhile.
LOCK TABLE "secret_bundles", "secrets" IN ACCESS EXCLUSIVE MODE;--> statement-breakpoint
LOCK TABLE "configuration_repos", "repos" IN SHARE MODE;--> statement-breakpoint
DO $carry_guard$
DECLARE
  bad record;
BEGIN
  FOR bad IN
    SELECT b.id::text AS bundle_id, b.target_path
    FROM "secret_bundles" b
    WHERE b.target_path IS NOT NULL
      AND NOT (b.target_path <> '' AND b.target_path !~ '^/' AND b.target_path !~ '^[A-Za-z]:'
               AND b.target_path !~ '(^|/)\.\.(/|$)')
    LIMIT 1
  LOOP
    RAISE EXCEPTION 'vNext upgrade: secret_bundles.target_path holds % (row %), which secret_files_path_check does not allow; secret_bundles was not dropped',
      quote_literal(bad.target_path), bad.bundle_id
      USING ERRCODE = 'check_violation', TABLE = 'secret_bundles', COLUMN = 'target_path',
            CONSTRAINT = 'secret_files_path_check',
            HINT = 'Correct the bundle''s target_path, then run the migrations again.';
  END LOOP;
  FOR bad IN
    SELECT b.id::text AS bundle_id, b.name, b.organization_id, b.target_path,
           (SELECT count(*) FROM "secrets" s WHERE s.bundle_id = b.id) AS members
    FROM "secret_bundles" b
    WHERE b.target_path IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "configuration_repos" cr JOIN "repos" r ON r.id = cr.repo_id
                      WHERE r.organization_id = b.organization_id)
    ORDER BY b.created_at NULLS LAST, b.id
    LIMIT 1
  LOOP
    RAISE EXCEPTION 'vNext upgrade: secret_bundles.target_path of row % (%) is %, a file of % member secret(s), but organization % has no configuration linked to one of its repos, so the file would have no configuration to go to; secret_bundles was not dropped',
      bad.bundle_id, quote_literal(bad.name), quote_literal(bad.target_path), bad.members,
      quote_literal(bad.organization_id)
      USING ERRCODE = 'object_not_in_prerequisite_state', TABLE = 'secret_bundles',
            COLUMN = 'target_path',
            HINT = 'Link a configuration to one of the organization''s repos (configuration_repos) so that the file is carried into it, or, if the file is not needed, delete the bundle or set its target_path to NULL; then run the migrations again.';
  END LOOP;
  FOR bad IN
    SELECT s.id::text AS secret_id, s.organization_id AS secret_org, b.id::text AS bundle_id,
           b.organization_id AS bundle_org
    FROM "secrets" s
    JOIN "secret_bundles" b ON b.id = s.bundle_id
    WHERE b.target_path IS NOT NULL AND b.organization_id <> s.organization_id
    LIMIT 1
  LOOP
    RAISE EXCEPTION 'vNext upgrade: secrets.bundle_id of secret % (organization %) names secret_bundles row % of organization %, and a bundle''s file takes only secrets of its own organization; secret_bundles was not dropped',
      bad.secret_id, quote_literal(bad.secret_org), bad.bundle_id, quote_literal(bad.bundle_org)
      USING ERRCODE = 'foreign_key_violation', TABLE = 'secrets', COLUMN = 'bundle_id',
            HINT = 'Move the secret into a bundle of its own organization or set its bundle_id to NULL, then run the migrations again.';
  END LOOP;
END
$carry_guard$;
--> statement-breakpoint
-- Hand-written: 0002's statement, repeated (see there).
INSERT INTO "secret_files" ("organization_id", "configuration_id", "file_path", "description",
  "created_by", "created_at", "updated_at")
SELECT b.organization_id, linked.configuration_id, b.target_path, b.description, b.created_by,
       coalesce(b.created_at, now()), coalesce(b.updated_at, now())
FROM "secret_bundles" b
CROSS JOIN LATERAL (
  SELECT DISTINCT cr.configuration_id
  FROM "configuration_repos" cr
  JOIN "repos" r ON r.id = cr.repo_id
  WHERE r.organization_id = b.organization_id
) AS linked
WHERE b.target_path IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "secret_files" f
                  WHERE f.configuration_id = linked.configuration_id
                    AND f.file_path = b.target_path)
ORDER BY b.created_at NULLS LAST, b.id, linked.configuration_id
ON CONFLICT ("configuration_id", "file_path") DO NOTHING;
--> statement-breakpoint
-- Hand-written: 0002's statement, repeated (see there).
INSERT INTO "configuration_secrets" ("configuration_id", "secret_id", "secret_file_id")
SELECT f.configuration_id, s.id, f.id
FROM "secret_bundles" b
JOIN "secrets" s ON s.bundle_id = b.id AND s.organization_id = b.organization_id
CROSS JOIN LATERAL (
  SELECT DISTINCT cr.configuration_id
  FROM "configuration_repos" cr
  JOIN "repos" r ON r.id = cr.repo_id
  WHERE r.organization_id = b.organization_id
) AS linked
JOIN "secret_files" f ON f.configuration_id = linked.configuration_id AND f.file_path = b.target_path
WHERE b.target_path IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "configuration_secrets" cs
                  WHERE cs.configuration_id = f.configuration_id AND cs.secret_id = s.id
                    AND cs.secret_file_id = f.id)
ORDER BY f.configuration_id, s.id
ON CONFLICT ("configuration_id", "secret_id") DO UPDATE
SET "secret_file_id" = excluded."secret_file_id"
WHERE "configuration_secrets"."secret_file_id" IS DISTINCT FROM excluded."secret_file_id";
--> statement-breakpoint
-- (4) ACCESS EXCLUSIVE, catalog-only. Every row has its vNext values now (validated above), so
-- the triggers 0001 created to fill them on write go first.
DROP TRIGGER "vnext_fill_legacy_row" ON "action_invocations";--> statement-breakpoint
DROP TRIGGER "vnext_fill_legacy_row" ON "triggers";--> statement-breakpoint
DROP TRIGGER "vnext_fill_legacy_row" ON "trigger_events";--> statement-breakpoint
DROP FUNCTION "vnext_fill_action_invocation"();--> statement-breakpoint
DROP FUNCTION "vnext_fill_trigger"();--> statement-breakpoint
DROP FUNCTION "vnext_fill_trigger_event"();--> statement-breakpoint
-- SET NOT NULL finds the validated CHECK (col IS NOT NULL) above and skips its table scan; the
-- temporary CHECK is then redundant and dropped.
ALTER TABLE "action_invocations" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "action_invocations" ALTER COLUMN "mode_source" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "provider" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "event_type" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "occurred_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "title" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "context" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "dedup_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_events" ALTER COLUMN "status" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "triggers" ALTER COLUMN "enabled" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "triggers" ALTER COLUMN "config" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "action_invocations" DROP CONSTRAINT "action_invocations_mode_not_null_tmp";--> statement-breakpoint
ALTER TABLE "action_invocations" DROP CONSTRAINT "action_invocations_mode_source_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_provider_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_event_type_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_occurred_at_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_title_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_context_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_dedup_key_not_null_tmp";--> statement-breakpoint
ALTER TABLE "trigger_events" DROP CONSTRAINT "trigger_events_status_not_null_tmp";--> statement-breakpoint
ALTER TABLE "triggers" DROP CONSTRAINT "triggers_enabled_not_null_tmp";--> statement-breakpoint
ALTER TABLE "triggers" DROP CONSTRAINT "triggers_config_not_null_tmp";
--> statement-breakpoint
-- Hand-edited (B1-B5, G1-G2), moved here from 0001: the drops, once every bundle is carried
-- forward, in the final phase because each takes ACCESS EXCLUSIVE (also on "user", whose foreign
-- keys from the dropped tables go). Dependants first, and no
-- CASCADE, so that an object the sheet does not know about (a view, say) stops the upgrade
-- instead of vanishing with it. action_grants is dropped with no copy anywhere (sheet §5.2).
-- drizzle-kit's DISABLE ROW LEVEL SECURITY before each DROP TABLE is left out: neither table has
-- row-level security, and the table goes anyway.
ALTER TABLE "secrets" DROP CONSTRAINT "secrets_bundle_id_fkey";--> statement-breakpoint
DROP INDEX "idx_secrets_bundle";--> statement-breakpoint
ALTER TABLE "secrets" DROP COLUMN "bundle_id";--> statement-breakpoint
DROP TABLE "secret_bundles";--> statement-breakpoint
DROP TABLE "action_grants";
