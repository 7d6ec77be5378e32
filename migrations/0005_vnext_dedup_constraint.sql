-- squawk-ignore-file disallowed-unique-constraint, require-concurrent-index-deletion
-- Reason: the unique constraint is attached to the index 0004 built concurrently (USING INDEX),
-- which is catalog-only; DROP INDEX CONCURRENTLY cannot run in the runner's transaction, and
-- this drop is catalog-only too.
-- vNext upgrade: the dedup unique constraint of trigger_events. Created with drizzle-kit generate
-- --custom (no schema change: 0001's snapshot already describes it) and written by hand. Both
-- statements take ACCESS EXCLUSIVE on trigger_events for a catalog change only: the index, built
-- under the constraint's name, becomes the constraint; then the partial index it replaces goes.
-- Hand-written: the lock first, without queueing writers behind a wait (see 0003).
DO $lock$
BEGIN
  -- First SHARE UPDATE EXCLUSIVE, which no read or write waits for: it waits only for VACUUM
  -- and DDL, and a wait of deadlock_timeout makes the server cancel an autovacuum of the table
  -- (which would otherwise hold every NOWAIT try off for as long as it runs, and then keep the
  -- final, waiting try, and the writes queued behind it, waiting a deadlock_timeout). Held from
  -- here, it keeps autovacuum away until this file commits.
  LOCK TABLE "trigger_events" IN SHARE UPDATE EXCLUSIVE MODE;
  -- Up to 100 tries of about 20 ms: each takes every lock at once or none (NOWAIT; a failed
  -- try is a subtransaction that gives back the locks it got), so nothing queues behind this
  -- file while it waits and it cannot deadlock with a writer that locks the tables in another
  -- order. Then one waiting try, bounded by the runner's lock_timeout (it retries the file).
  FOR attempt IN 1..100 LOOP
    BEGIN
      LOCK TABLE "trigger_events" IN ACCESS EXCLUSIVE MODE NOWAIT;
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      PERFORM pg_sleep(0.01 + random() * 0.02);
    END;
  END LOOP;
  LOCK TABLE "trigger_events" IN ACCESS EXCLUSIVE MODE;
END
$lock$;
--> statement-breakpoint
ALTER TABLE "trigger_events" ADD CONSTRAINT "trigger_events_trigger_id_dedup_key_key" UNIQUE USING INDEX "trigger_events_trigger_id_dedup_key_key";--> statement-breakpoint
DROP INDEX "idx_trigger_events_dedup";