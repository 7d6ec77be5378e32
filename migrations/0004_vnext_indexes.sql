-- proliferate:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
-- Reason: the runner runs this file outside a transaction (the marker on the first line, see
-- migrate/online.ts); squawk is configured for the runner's transactional files.
-- vNext upgrade: the indexes, built CONCURRENTLY so that no write waits for a build (SHARE UPDATE
-- EXCLUSIVE: only DDL, VACUUM and other builds of the same table wait). Written by hand in place
-- of the builds 0003 and the first 0004 ran under SHARE locks; names and definitions are the
-- ones drizzle-kit generated. IF NOT EXISTS makes a rerun skip a finished build; an INVALID index
-- an interrupted build left is dropped by the runner before the statement runs again.
-- The full dedup unique of trigger_events, built as an index under the constraint's name, so
-- that 0005 attaches it as the constraint, catalog-only. Every key is non-NULL (0002) and the
-- old partial index kept the non-NULL ones unique (0001's precheck ruled out a clash with the
-- legacy keys), so the build cannot meet a duplicate.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "trigger_events_trigger_id_dedup_key_key" ON "trigger_events" USING btree ("trigger_id","dedup_key");--> statement-breakpoint
-- Drift D3 (P26, I-30): some databases have this index from an unjournaled pre-vNext file (its
-- predicate followed 0001's column rename); the others get it here, built concurrently, where
-- drizzle-kit put it in 0001 (a build there would block writes to secrets for as long as it
-- takes). The precheck ruled out duplicate organization-wide keys before 0001, and the secrets
-- that vNext writers added since are checked by the build itself: a duplicate fails it, naming
-- the key, and the rerun after the fix drops the INVALID index and builds it again.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "secrets_org_key_unique_when_org_wide" ON "secrets" USING btree ("organization_id","key") WHERE repo_id IS NULL AND configuration_id IS NULL;--> statement-breakpoint
-- Idempotent session creation per organization. Every key is NULL at this point, so the index
-- starts empty.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "idx_sessions_idempotency" ON "sessions" USING btree ("organization_id","idempotency_key") WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
-- Serves "sessions of an organization, newest first" without sorting the whole organization
-- (bench/results/latest.md). idx_sessions_org is kept: the sheet carries it over (R1).
CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_sessions_org_started" ON "sessions" USING btree ("organization_id","started_at" DESC NULLS FIRST);