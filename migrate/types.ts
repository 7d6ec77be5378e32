/**
 * Shapes shared by the migration runner and the generated migration bundle.
 *
 * @module
 */

/** One journaled migration, as shipped inside the package (no filesystem needed). */
export interface MigrationEntry {
  /** Journal tag, e.g. `0001_vnext`; also the `.sql` file's name without extension. */
  readonly tag: string;
  /** Journal `when` (ms since epoch); drizzle records it as `created_at`. Strictly increasing. */
  readonly when: number;
  /** SHA-256 (lowercase hex) of the `.sql` file, the value drizzle records as `hash`. */
  readonly hash: string;
  /**
   * The file's statements, split on drizzle's statement-breakpoint marker. A file whose first
   * line is `-- proliferate:no-transaction` runs outside a transaction (for
   * `CREATE INDEX CONCURRENTLY`; see `migrate/online.ts`); the marker is part of the text, so
   * the bundle carries no flag for it.
   */
  readonly statements: readonly string[];
}
