-- vNext upgrade, step 3 of 3: contract. Created with drizzle-kit generate --custom (its snapshot
-- equals 0001's, which already describes this end state) and written by hand. A transaction
-- keeps every lock it takes until it commits, so the statements go from the weakest lock to the
-- strongest: (1) VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes go on), (2) the
-- two unique index builds under SHARE (writes to those two tables wait), (3) last, the
-- catalog-only statements that need ACCESS EXCLUSIVE, each instant.
-- squawk-ignore-file adding-not-nullable-field, disallowed-unique-constraint, require-concurrent-index-deletion, ban-drop-table, ban-drop-column
-- Reason: every SET NOT NULL here follows a validated CHECK (col IS NOT NULL), so PostgreSQL
-- skips the scan; the unique constraint is attached to an index built beforehand (USING INDEX);
-- DROP INDEX CONCURRENTLY cannot run in the runner's transaction, and these drops are
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
-- (2) The full dedup unique of trigger_events, built as a plain index first so that attaching it
-- as a constraint below is catalog-only. Every key is non-NULL (0002) and the old partial index
-- kept the non-NULL ones unique, so the build cannot meet a duplicate. CONCURRENTLY is not
-- possible inside the runner's transaction; the build blocks writes to trigger_events only.
CREATE UNIQUE INDEX "trigger_events_trigger_id_dedup_key_key" ON "trigger_events" USING btree ("trigger_id","dedup_key");--> statement-breakpoint
-- Idempotent session creation per organization. Every key is NULL at this point, so the build
-- scans sessions once and the index starts empty.
CREATE UNIQUE INDEX "idx_sessions_idempotency" ON "sessions" USING btree ("organization_id","idempotency_key") WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
-- (3) ACCESS EXCLUSIVE, catalog-only: the index, built under the constraint's name, becomes the
-- constraint; then the partial index it replaces goes.
ALTER TABLE "trigger_events" ADD CONSTRAINT "trigger_events_trigger_id_dedup_key_key" UNIQUE USING INDEX "trigger_events_trigger_id_dedup_key_key";--> statement-breakpoint
DROP INDEX "idx_trigger_events_dedup";--> statement-breakpoint
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
-- Hand-edited (B1-B5, G1-G2), moved here from 0001: the drops, after 0002 carried the bundles
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
