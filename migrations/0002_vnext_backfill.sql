-- vNext upgrade, step 2 of 3: backfill (sheet §5.3). Created with drizzle-kit generate --custom
-- (no schema change, so its snapshot equals 0001's) and written by hand. Data only: UPDATEs take
-- ROW EXCLUSIVE, never the ACCESS EXCLUSIVE of an ALTER TABLE, so reads and writes of other rows
-- go on while this runs. Each table is rewritten by exactly one UPDATE (one new version per row),
-- and each UPDATE touches only rows that still need it, so new rows written by vNext code since
-- 0001 are left alone. The constraints that 0001 added NOT VALID check every row written here.

-- action_invocations: the mode inferred from the risk of the row (read allow, write
-- require_approval, danger deny; I-10; the precheck of 0001 guaranteed nothing else), from the
-- inferred default, since legacy decisions came from risk and grants cannot be told apart. The
-- denied reason is derived where the row tells it: denied with an approver human, denied without
-- one policy, expired expired; no audit value is changed (I-11).
UPDATE "action_invocations"
SET "mode" = CASE "risk_level"
      WHEN 'read' THEN 'allow'
      WHEN 'write' THEN 'require_approval'
      ELSE 'deny'
    END,
    "mode_source" = 'inferred_default',
    "denied_reason" = coalesce("denied_reason", CASE
      WHEN "status" = 'denied' AND "approved_by" IS NOT NULL THEN 'human'
      WHEN "status" = 'denied' THEN 'policy'
      WHEN "status" = 'expired' THEN 'expired'
    END)
WHERE "mode" IS NULL OR "mode_source" IS NULL;
--> statement-breakpoint
-- triggers: pre-vNext queries filtered `enabled = true`, so a NULL already behaved as disabled;
-- a NULL config becomes the column default.
UPDATE "triggers"
SET "enabled" = coalesce("enabled", false),
    "config" = coalesce("config", '{}'::jsonb)
WHERE "enabled" IS NULL OR "config" IS NULL;
--> statement-breakpoint
-- trigger_events: provider from the event's trigger (the FK guarantees one); event_type the
-- native type, else 'unknown'; occurred_at the row's created_at, else now(); title the context's
-- title, else the native type, else 'Untitled event'; context {} where it was NULL (I-20);
-- dedup_key 'legacy:' || id where it was NULL (unique by construction; the precheck ruled out a
-- clash); status 'skipped' where it was NULL ('queued' would run them again; NULL rows were
-- never picked up), marked with skip_reason 'legacy_null_status' unless the row names a reason.
UPDATE "trigger_events" AS e
SET "provider" = coalesce(e."provider", t."provider"),
    "event_type" = coalesce(e."event_type", e."provider_event_type", 'unknown'),
    "occurred_at" = coalesce(e."occurred_at", e."created_at", now()),
    "title" = coalesce(e."title", e."context" ->> 'title', e."provider_event_type", 'Untitled event'),
    "context" = coalesce(e."context", '{}'::jsonb),
    "dedup_key" = coalesce(e."dedup_key", 'legacy:' || e."id"),
    "status" = coalesce(e."status", 'skipped'),
    "skip_reason" = CASE
      WHEN e."status" IS NULL THEN coalesce(e."skip_reason", 'legacy_null_status')
      ELSE e."skip_reason"
    END
FROM "triggers" AS t
WHERE t."id" = e."trigger_id"
  AND (e."provider" IS NULL OR e."event_type" IS NULL OR e."occurred_at" IS NULL
       OR e."title" IS NULL OR e."context" IS NULL OR e."dedup_key" IS NULL
       OR e."status" IS NULL);
