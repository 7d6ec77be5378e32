-- squawk-ignore-file disallowed-unique-constraint, require-concurrent-index-deletion
-- Reason: the unique constraint is attached to the index 0004 built concurrently (USING INDEX),
-- which is catalog-only; DROP INDEX CONCURRENTLY cannot run in the runner's transaction, and
-- this drop is catalog-only too.
-- vNext upgrade: the dedup unique constraint of trigger_events. Created with drizzle-kit generate
-- --custom (no schema change: 0001's snapshot already describes it) and written by hand. Both
-- statements take ACCESS EXCLUSIVE on trigger_events for a catalog change only: the index, built
-- under the constraint's name, becomes the constraint; then the partial index it replaces goes.
ALTER TABLE "trigger_events" ADD CONSTRAINT "trigger_events_trigger_id_dedup_key_key" UNIQUE USING INDEX "trigger_events_trigger_id_dedup_key_key";--> statement-breakpoint
DROP INDEX "idx_trigger_events_dedup";