-- vNext upgrade, step 3 of 3: contract. Created with drizzle-kit generate --custom (its snapshot
-- equals 0001's, which already describes this end state) and written by hand. Catalog work
-- only, under ACCESS EXCLUSIVE locks held for milliseconds: everything that scans ran before,
-- online. Steps (1) to (3) of earlier drafts moved out: (1) the VALIDATE scans to the end of
-- 0002 (each in a transaction of its own, SHARE UPDATE EXCLUSIVE, so reads and writes go on,
-- and a lock-timeout retry of this file repeats no scan); (2) the unique index builds to
-- 0004_vnext_indexes (concurrently, outside any transaction; 0005 attaches the dedup unique
-- constraint to its index); (3) a second carry-forward of secret_bundles under lock: 0001
-- freezes the bundles, so what 0002 carried is complete.
-- squawk-ignore-file adding-not-nullable-field, require-concurrent-index-deletion, ban-drop-table, ban-drop-column
-- Reason: every SET NOT NULL here follows a validated CHECK (col IS NOT NULL), so PostgreSQL
-- skips the scan; DROP INDEX CONCURRENTLY cannot run in the runner's transaction, and these drops are
-- catalog-only, in the final ACCESS EXCLUSIVE phase on tables that phase locks anyway; the drops
-- of secret_bundles, secrets.bundle_id and action_grants are what the sheet asks (§5.2).

-- Hand-written: every lock this file takes, at once, before any statement (the drops also lock
-- sessions, organization and "user", whose foreign keys from the dropped tables go). Taken one
-- statement at a time, a lock held on one table while waiting for the next deadlocked with
-- vNext writers that hold the next and need the first (an insert into trigger_events checks its
-- trigger), which the online benchmark hit.
DO $lock$
BEGIN
  -- First SHARE UPDATE EXCLUSIVE, which no read or write waits for: it waits only for VACUUM
  -- and DDL, and a wait of deadlock_timeout makes the server cancel an autovacuum of the table
  -- (which would otherwise hold every NOWAIT try off for as long as it runs, and then keep the
  -- final, waiting try, and the writes queued behind it, waiting a deadlock_timeout). Held from
  -- here, it keeps autovacuum away until this file commits.
  LOCK TABLE "action_invocations", "trigger_events", "triggers", "action_grants", "secrets", "secret_bundles", "sessions", "organization", "user" IN SHARE UPDATE EXCLUSIVE MODE;
  -- Up to 100 tries of about 20 ms: each takes every lock at once or none (NOWAIT; a failed
  -- try is a subtransaction that gives back the locks it got), so nothing queues behind this
  -- file while it waits and it cannot deadlock with a writer that locks the tables in another
  -- order. Then one waiting try, bounded by the runner's lock_timeout (it retries the file).
  FOR attempt IN 1..100 LOOP
    BEGIN
      LOCK TABLE "action_invocations", "trigger_events", "triggers", "action_grants", "secrets", "secret_bundles", "sessions", "organization", "user" IN ACCESS EXCLUSIVE MODE NOWAIT;
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      PERFORM pg_sleep(0.01 + random() * 0.02);
    END;
  END LOOP;
  LOCK TABLE "action_invocations", "trigger_events", "triggers", "action_grants", "secrets", "secret_bundles", "sessions", "organization", "user" IN ACCESS EXCLUSIVE MODE;
END
$lock$;
--> statement-breakpoint
-- (4) ACCESS EXCLUSIVE, catalog-only. Every row has its vNext values now (validated by 0002), so
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
-- Hand-written: the freeze 0001 put on the bundles goes with them (DROP TABLE takes the
-- triggers of secret_bundles along).
DROP TRIGGER "vnext_freeze_bundles" ON "secrets";--> statement-breakpoint
DROP TRIGGER "vnext_freeze_bundle_members" ON "secrets";--> statement-breakpoint
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
DROP TABLE "action_grants";--> statement-breakpoint
DROP FUNCTION "vnext_freeze_bundles"();
