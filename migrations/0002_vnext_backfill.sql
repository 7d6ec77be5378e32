-- proliferate:batched
-- vNext upgrade, step 2 of 3: backfill (sheet §5.3) and the secret_bundles carry-forward (§5.2).
-- Created with drizzle-kit generate --custom (no schema change, so its snapshot equals 0001's) and
-- written by hand. Batched (the marker above, see migrate/online.ts): the runner runs each
-- statement again and again, each run its own short transaction, until it reports it is done, so
-- no row stays locked for longer than one batch and a crash or kill loses one batch at the most.
-- Data only: ROW EXCLUSIVE, never the ACCESS EXCLUSIVE of an ALTER TABLE. The constraints that
-- 0001 added NOT VALID check every row written here.
--
-- Each backfill walks its table once in physical order, a range of heap pages a batch: a batch
-- rewrites the rows of its pages that still need it (a TID range scan: it reads those pages
-- only, one after the other, whatever the size of the table; so each row gets one new version,
-- and rows that vNext code or 0001's fill triggers wrote are left alone) and moves the cursor
-- past them, all in one transaction. Batches are sized by time, not by a count: the first
-- covers 64 pages (512 KiB), and each next one scales the last one's page count by 200 ms over
-- the time since the last one began (at most doubling it, between 16 and 4 096 pages), so a
-- batch holds its row locks about 200 ms whatever the size of the table, the width of its rows,
-- the state of the cache or the load of the server (a batch updates every index of each row it
-- rewrites, and index pages miss the cache more often as a table grows).
-- The walk ends at the page the table ended at when its first batch ran: every row version
-- written since (a row inserted, a legacy row updated by a writer, the new versions of the
-- backfill's own updates) was filled by 0001's triggers or by this backfill. Each batch reports
-- the rows it rewrote, and `done` once it reached that end.
-- The cursor is a row of drizzle.__proliferate_backfill_cursors, created by the first statement
-- and dropped by the last: a rerun after a crash or a kill goes on after the last committed
-- batch. The cursor also records the table's file (pg_relation_filenode): after a rewrite of the
-- table in between (VACUUM FULL, CLUSTER), which moves rows to other pages, the walk starts over.
-- (Walking by primary key instead reads the rows of a batch from pages all over the table, so a
-- batch takes longer as the table grows past the cache; selecting "the next rows that still need
-- it" would scan the already filled part again in every batch: quadratic in the table.)
CREATE TABLE IF NOT EXISTS "drizzle"."__proliferate_backfill_cursors" (
  "name" text PRIMARY KEY,
  "last_at" timestamp with time zone,
  "last_id" uuid,
  "next_page" bigint,
  "end_page" bigint,
  "filenode" oid,
  "pages" bigint,
  "started_at" timestamp with time zone
);
--> statement-breakpoint
-- action_invocations: the mode inferred from the risk of the row (read allow, write
-- require_approval, danger deny; I-10; the precheck before 0001 guaranteed nothing else), from the
-- inferred default, since legacy decisions came from risk and grants cannot be told apart. The
-- denied reason is derived where the row tells it: denied with an approver human, denied without
-- one policy, expired expired; no audit value is changed (I-11).
WITH cursor AS (
  SELECT c."next_page", c."end_page", c."pages",
         extract(epoch FROM statement_timestamp() - c."started_at") AS "since"
  FROM "drizzle"."__proliferate_backfill_cursors" c
  WHERE c."name" = 'action_invocations'
    AND c."filenode" = pg_relation_filenode('action_invocations')
), walk AS (
  SELECT coalesce((SELECT cursor."next_page" FROM cursor), 0) AS "lo",
         coalesce((SELECT cursor."end_page" FROM cursor),
                  pg_relation_size('action_invocations') / current_setting('block_size')::int)
           AS "end",
         coalesce((SELECT least(4096, cursor."pages" * 2, greatest(16,
                     (cursor."pages" * 0.2 / greatest(cursor."since", 0.001))::bigint))
                   FROM cursor), 64) AS "pages"
), batch AS (
  SELECT walk."lo", least(walk."lo" + walk."pages", walk."end") AS "hi", walk."end",
         walk."pages"
  FROM walk
), filled AS (
  UPDATE "action_invocations" AS a
  SET "mode" = CASE a."risk_level"
        WHEN 'read' THEN 'allow'
        WHEN 'write' THEN 'require_approval'
        ELSE 'deny'
      END,
      "mode_source" = 'inferred_default',
      "denied_reason" = coalesce(a."denied_reason", CASE
        WHEN a."status" = 'denied' AND a."approved_by" IS NOT NULL THEN 'human'
        WHEN a."status" = 'denied' THEN 'policy'
        WHEN a."status" = 'expired' THEN 'expired'
      END)
  WHERE a."ctid" >= (SELECT format('(%s,0)', batch."lo")::tid FROM batch)
    AND a."ctid" < (SELECT format('(%s,0)', batch."hi")::tid FROM batch)
    AND (a."mode" IS NULL OR a."mode_source" IS NULL)
  RETURNING 1
), moved AS (
  INSERT INTO "drizzle"."__proliferate_backfill_cursors"
    ("name", "next_page", "end_page", "filenode", "pages", "started_at")
  SELECT 'action_invocations', batch."hi", batch."end", pg_relation_filenode('action_invocations'),
         batch."pages", statement_timestamp()
  FROM batch
  ON CONFLICT ("name") DO UPDATE
  SET "next_page" = excluded."next_page", "end_page" = excluded."end_page",
      "filenode" = excluded."filenode", "pages" = excluded."pages",
      "started_at" = excluded."started_at"
)
SELECT (SELECT count(*)::int FROM filled) AS "rows", batch."hi" >= batch."end" AS "done"
FROM batch;
--> statement-breakpoint
-- triggers: pre-vNext queries filtered `enabled = true`, so a NULL already behaved as disabled;
-- a NULL config becomes the column default.
WITH cursor AS (
  SELECT c."next_page", c."end_page", c."pages",
         extract(epoch FROM statement_timestamp() - c."started_at") AS "since"
  FROM "drizzle"."__proliferate_backfill_cursors" c
  WHERE c."name" = 'triggers'
    AND c."filenode" = pg_relation_filenode('triggers')
), walk AS (
  SELECT coalesce((SELECT cursor."next_page" FROM cursor), 0) AS "lo",
         coalesce((SELECT cursor."end_page" FROM cursor),
                  pg_relation_size('triggers') / current_setting('block_size')::int)
           AS "end",
         coalesce((SELECT least(4096, cursor."pages" * 2, greatest(16,
                     (cursor."pages" * 0.2 / greatest(cursor."since", 0.001))::bigint))
                   FROM cursor), 64) AS "pages"
), batch AS (
  SELECT walk."lo", least(walk."lo" + walk."pages", walk."end") AS "hi", walk."end",
         walk."pages"
  FROM walk
), filled AS (
  UPDATE "triggers" AS t
  SET "enabled" = coalesce(t."enabled", false),
      "config" = coalesce(t."config", '{}'::jsonb)
  WHERE t."ctid" >= (SELECT format('(%s,0)', batch."lo")::tid FROM batch)
    AND t."ctid" < (SELECT format('(%s,0)', batch."hi")::tid FROM batch)
    AND (t."enabled" IS NULL OR t."config" IS NULL)
  RETURNING 1
), moved AS (
  INSERT INTO "drizzle"."__proliferate_backfill_cursors"
    ("name", "next_page", "end_page", "filenode", "pages", "started_at")
  SELECT 'triggers', batch."hi", batch."end", pg_relation_filenode('triggers'), batch."pages",
         statement_timestamp()
  FROM batch
  ON CONFLICT ("name") DO UPDATE
  SET "next_page" = excluded."next_page", "end_page" = excluded."end_page",
      "filenode" = excluded."filenode", "pages" = excluded."pages",
      "started_at" = excluded."started_at"
)
SELECT (SELECT count(*)::int FROM filled) AS "rows", batch."hi" >= batch."end" AS "done"
FROM batch;
--> statement-breakpoint
-- trigger_events: provider from the event's trigger (the FK guarantees one; looked up through
-- its primary key only for a row that needs it, as 0001's fill trigger does); event_type the
-- native type, else 'unknown'; occurred_at the row's created_at, else now(); title the context's
-- title, else the native type, else 'Untitled event'; context {} where it was NULL (I-20);
-- dedup_key 'legacy:' || id where it was NULL (unique by construction; the precheck ruled out a
-- clash); status 'skipped' where it was NULL ('queued' would run them again; NULL rows were
-- never picked up), marked with skip_reason 'legacy_null_status' unless the row names a reason.
WITH cursor AS (
  SELECT c."next_page", c."end_page", c."pages",
         extract(epoch FROM statement_timestamp() - c."started_at") AS "since"
  FROM "drizzle"."__proliferate_backfill_cursors" c
  WHERE c."name" = 'trigger_events'
    AND c."filenode" = pg_relation_filenode('trigger_events')
), walk AS (
  SELECT coalesce((SELECT cursor."next_page" FROM cursor), 0) AS "lo",
         coalesce((SELECT cursor."end_page" FROM cursor),
                  pg_relation_size('trigger_events') / current_setting('block_size')::int)
           AS "end",
         coalesce((SELECT least(4096, cursor."pages" * 2, greatest(16,
                     (cursor."pages" * 0.2 / greatest(cursor."since", 0.001))::bigint))
                   FROM cursor), 64) AS "pages"
), batch AS (
  SELECT walk."lo", least(walk."lo" + walk."pages", walk."end") AS "hi", walk."end",
         walk."pages"
  FROM walk
), filled AS (
  UPDATE "trigger_events" AS e
  SET "provider" = coalesce(e."provider",
                            (SELECT t."provider" FROM "triggers" t WHERE t."id" = e."trigger_id")),
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
  WHERE e."ctid" >= (SELECT format('(%s,0)', batch."lo")::tid FROM batch)
    AND e."ctid" < (SELECT format('(%s,0)', batch."hi")::tid FROM batch)
    AND (e."provider" IS NULL OR e."event_type" IS NULL OR e."occurred_at" IS NULL
         OR e."title" IS NULL OR e."context" IS NULL OR e."dedup_key" IS NULL
         OR e."status" IS NULL)
  RETURNING 1
), moved AS (
  INSERT INTO "drizzle"."__proliferate_backfill_cursors"
    ("name", "next_page", "end_page", "filenode", "pages", "started_at")
  SELECT 'trigger_events', batch."hi", batch."end", pg_relation_filenode('trigger_events'),
         batch."pages", statement_timestamp()
  FROM batch
  ON CONFLICT ("name") DO UPDATE
  SET "next_page" = excluded."next_page", "end_page" = excluded."end_page",
      "filenode" = excluded."filenode", "pages" = excluded."pages",
      "started_at" = excluded."started_at"
)
SELECT (SELECT count(*)::int FROM filled) AS "rows", batch."hi" >= batch."end" AS "done"
FROM batch;
--> statement-breakpoint
-- Hand-written (sheet §5.2, I-23 design A): carry secret_bundles forward, once: 0001 froze the
-- bundles (a new bundle, a change to what one carries and a secret moved into one are refused
-- until 0003 drops them), so what these two statements carry is all there is to carry. Both are
-- idempotent, so a rerun after a crash or a kill writes only what is missing.
-- It lives here, not in 0001, because it reads and writes rows: in 0001 it would run while that
-- file holds ACCESS EXCLUSIVE locks on sessions and action_invocations. The precheck before 0001
-- and the one after it checked every target_path against secret_files_path_check.
-- Every bundle with a target_path becomes one secret_file per configuration linked (through
-- configuration_repos → repos) to the bundle's organization, with the bundle's description,
-- creator and timestamps. When two bundles name the same path for one configuration, the oldest
-- bundle's file is kept (rows go in oldest first, ON CONFLICT DO NOTHING) and both bundles'
-- secrets go into it. Bundles without target_path lose only their label (§5.2): their secrets
-- stay, with their own scope. Files that exist already are skipped before the insert (NOT
-- EXISTS), so a rerun writes only what is missing; ON CONFLICT covers a file written meanwhile.
-- A bundle with a target_path whose organization has no configuration is refused, not dropped
-- and not given a configuration: secret_files and configuration_secrets both require one
-- (configuration_id NOT NULL, and a secret's file must belong to the same configuration), and a
-- configuration belongs to an organization only through configuration_repos → repos. Carrying
-- such a bundle would mean creating a configuration (and a repo where the organization has none)
-- that users would see and no spec provides; dropping it would lose its path and members. So
-- the precheck before 0001 stops the upgrade with nothing changed (and the one after it, for a
-- bundle written in between, before this file), naming the bundle; the operator links a
-- configuration to one of the organization's repos (the file is then carried into it) or, if
-- the file is not needed, deletes the bundle or clears its target_path. A member secret of
-- another organization than its bundle's is refused likewise
-- (it would otherwise cross tenants or be lost), so every member found below is carried.
WITH cursor AS (
  SELECT c."last_at", c."last_id" FROM "drizzle"."__proliferate_backfill_cursors" c
  WHERE c."name" = 'secret_files'
), batch AS (
  SELECT k."id", coalesce(k."created_at", 'infinity') AS "at"
  FROM "secret_bundles" k
  WHERE k."target_path" IS NOT NULL
    AND (NOT EXISTS (SELECT 1 FROM cursor)
         OR (coalesce(k."created_at", 'infinity'), k."id")
            > (SELECT cursor."last_at", cursor."last_id" FROM cursor))
  ORDER BY 2, 1 LIMIT 100
), carried AS (
  INSERT INTO "secret_files" ("organization_id", "configuration_id", "file_path", "description",
    "created_by", "created_at", "updated_at")
  SELECT b.organization_id, linked.configuration_id, b.target_path, b.description, b.created_by,
         coalesce(b.created_at, now()), coalesce(b.updated_at, now())
  FROM batch
  JOIN "secret_bundles" b ON b.id = batch."id"
  CROSS JOIN LATERAL (
    SELECT DISTINCT cr.configuration_id
    FROM "configuration_repos" cr
    JOIN "repos" r ON r.id = cr.repo_id
    WHERE r.organization_id = b.organization_id
  ) AS linked
  WHERE NOT EXISTS (SELECT 1 FROM "secret_files" f
                    WHERE f.configuration_id = linked.configuration_id
                      AND f.file_path = b.target_path)
  ORDER BY batch."at", b.id, linked.configuration_id
  ON CONFLICT ("configuration_id", "file_path") DO NOTHING
), moved AS (
  INSERT INTO "drizzle"."__proliferate_backfill_cursors" ("name", "last_at", "last_id")
  SELECT 'secret_files', batch."at", batch."id" FROM batch
  ORDER BY batch."at" DESC, batch."id" DESC LIMIT 1
  ON CONFLICT ("name") DO UPDATE SET "last_at" = excluded."last_at", "last_id" = excluded."last_id"
)
SELECT count(*)::int AS "rows" FROM batch;
--> statement-breakpoint
-- Hand-written (§5.2): one configuration_secret per member secret of such a bundle and per
-- configuration linked to the bundle's organization, in that configuration's file at the
-- bundle's path. The file is found by configuration and path, whichever bundle made it: a
-- configuration linked to repos of two organizations holds one file per path (secret_files is
-- unique on configuration_id, file_path), created by the older bundle, and the members of both
-- organizations' bundles at that path go into it (matching the file's organization too would
-- leave the younger bundle's members out of that configuration). Secrets come from the bundle's
-- own organization only. A secret already linked to the configuration is put into its bundle's
-- file (the bundle decides), so a rerun is exact; links that are already right are skipped
-- before the insert.
-- Both carry-forward statements walk the bundles 100 at a time with a cursor, as the backfills
-- walk their tables (the files oldest bundle first, so that the oldest bundle's file is the one
-- kept for a path, whichever batch its bundle falls in): one batch inserts the files or links of
-- 100 bundles, and holds its locks (KEY SHARE on the configurations and secrets it references)
-- only that long.
WITH cursor AS (
  SELECT c."last_id" FROM "drizzle"."__proliferate_backfill_cursors" c
  WHERE c."name" = 'configuration_secrets'
), batch AS (
  (SELECT k."id" FROM "secret_bundles" k
   WHERE k."id" > (SELECT cursor."last_id" FROM cursor)
   ORDER BY k."id" LIMIT 100)
  UNION ALL
  (SELECT k."id" FROM "secret_bundles" k
   WHERE NOT EXISTS (SELECT 1 FROM cursor)
   ORDER BY k."id" LIMIT 100)
), carried AS (
  INSERT INTO "configuration_secrets" ("configuration_id", "secret_id", "secret_file_id")
  SELECT f.configuration_id, s.id, f.id
  FROM batch
  JOIN "secret_bundles" b ON b.id = batch."id"
  JOIN "secrets" s ON s.bundle_id = b.id AND s.organization_id = b.organization_id
  CROSS JOIN LATERAL (
    SELECT DISTINCT cr.configuration_id
    FROM "configuration_repos" cr
    JOIN "repos" r ON r.id = cr.repo_id
    WHERE r.organization_id = b.organization_id
  ) AS linked
  JOIN "secret_files" f ON f.configuration_id = linked.configuration_id
                       AND f.file_path = b.target_path
  WHERE b.target_path IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM "configuration_secrets" cs
                    WHERE cs.configuration_id = f.configuration_id AND cs.secret_id = s.id
                      AND cs.secret_file_id = f.id)
  ORDER BY f.configuration_id, s.id
  ON CONFLICT ("configuration_id", "secret_id") DO UPDATE
  SET "secret_file_id" = excluded."secret_file_id"
  WHERE "configuration_secrets"."secret_file_id" IS DISTINCT FROM excluded."secret_file_id"
), moved AS (
  INSERT INTO "drizzle"."__proliferate_backfill_cursors" ("name", "last_id")
  SELECT 'configuration_secrets', batch."id" FROM batch ORDER BY batch."id" DESC LIMIT 1
  ON CONFLICT ("name") DO UPDATE SET "last_id" = excluded."last_id"
)
SELECT count(*)::int AS "rows" FROM batch;
--> statement-breakpoint
-- Hand-written, moved here from 0003: validate what 0001 added NOT VALID, each constraint in a
-- transaction of its own (as batched work a statement that reports no rows runs once). VALIDATE
-- takes SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans (only DDL, VACUUM and
-- index builds of the table wait). Existing rows were prechecked (before and after 0001) or
-- backfilled above, and new rows have been checked since 0001, so these only confirm it; the
-- CHECKs (col IS NOT NULL), once valid, let 0003's SET NOT NULL skip its scan.
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_configuration_id_fkey";
--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_status_check";
--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_session_type_check";
--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_client_type_check";
--> statement-breakpoint
ALTER TABLE "sessions" VALIDATE CONSTRAINT "sessions_origin_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_source_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_denied_reason_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_risk_level_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_status_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_pending_expiry_check";
--> statement-breakpoint
ALTER TABLE "organization" VALIDATE CONSTRAINT "organization_action_modes_check";
--> statement-breakpoint
ALTER TABLE "automations" VALIDATE CONSTRAINT "automations_action_modes_check";
--> statement-breakpoint
ALTER TABLE "org_connectors" VALIDATE CONSTRAINT "org_connectors_tool_risk_overrides_check";
--> statement-breakpoint
ALTER TABLE "integrations" VALIDATE CONSTRAINT "integrations_status_check";
--> statement-breakpoint
ALTER TABLE "slack_installations" VALIDATE CONSTRAINT "slack_installations_status_check";
--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_trigger_type_check";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "action_invocations" VALIDATE CONSTRAINT "action_invocations_mode_source_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_provider_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_event_type_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_occurred_at_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_title_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_context_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_dedup_key_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "trigger_events" VALIDATE CONSTRAINT "trigger_events_status_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_enabled_not_null_tmp";
--> statement-breakpoint
ALTER TABLE "triggers" VALIDATE CONSTRAINT "triggers_config_not_null_tmp";
--> statement-breakpoint
-- The backfills are done: their cursors go (a rerun that finds no cursor walks the tables once
-- more and rewrites nothing). The table is this file's own bookkeeping, read by no client.
-- squawk-ignore ban-drop-table
DROP TABLE IF EXISTS "drizzle"."__proliferate_backfill_cursors";
