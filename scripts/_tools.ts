/**
 * Pinned command-line tools used by the tasks.
 *
 * @module
 */

/** drizzle-kit, pinned to the version of the import map. */
export const DRIZZLE_KIT = "npm:drizzle-kit@0.31.11";
