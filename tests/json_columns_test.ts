import assert from "node:assert/strict";
import { actionModesSchema, toolRiskOverridesSchema } from "../schema/mod.ts";
import { freshDatabase } from "./_db.ts";

// Keys and values on both sides of each rule: the validators must never accept what the
// database CHECK refuses, or a value that passed validation would fail at insert time.
const ACTION_MODE_CASES: Record<string, unknown>[] = [
  { "linear:create_issue": "allow" },
  { "connector:9f2c:search_docs": "require_approval" },
  { "db:7:run:query": "deny" },
  { "linear:": "allow" },
  { ":create_issue": "allow" },
  { "no_colon": "allow" },
  { "linear\n:create_issue": "allow" },
  { "linear:create\nissue": "allow" },
  { "linear:create_issue": "yes" },
  { "linear:create_issue": null },
];

const TOOL_OVERRIDE_CASES: Record<string, unknown>[] = [
  { search_docs: { mode: "allow", hash: "a".repeat(64) } },
  { search_docs: { mode: "maybe", hash: "a".repeat(64) } },
  { search_docs: { mode: "deny" } },
  { search_docs: "allow" },
];

Deno.test("JSONB validators accept nothing that the database CHECKs refuse", async (t) => {
  await using db = await freshDatabase({ migrations: "all" });
  await db.sql`insert into organization (id, name, slug, "createdAt")
    values ('org_json', 'Json', 'json', now())`;
  await db.sql`insert into org_connectors (organization_id, name, url, auth)
    values ('org_json', 'docs', 'https://mcp.example/docs', '{"type":"bearer","secretKey":"K"}')`;

  async function accepted(statement: () => Promise<unknown>): Promise<boolean> {
    try {
      await db.sql.begin(async (tx) => {
        await tx.savepoint(async () => {
          await statement();
          throw new Error("roll back");
        });
      });
    } catch (error) {
      if ((error as Error).message === "roll back") return true;
      if ((error as { code?: string }).code === "23514") return false;
      throw error;
    }
    return true;
  }

  for (const value of ACTION_MODE_CASES) {
    await t.step(`organization.action_modes ${JSON.stringify(value)}`, async () => {
      const valid = actionModesSchema.safeParse(value).success;
      const stored = await accepted(() =>
        db.sql`update organization set action_modes = ${db.sql.json(value as never)}
          where id = 'org_json'`
      );
      if (valid) assert.ok(stored, "the validator accepts a value the database refuses");
      if (!stored) assert.equal(valid, false);
    });
  }
  for (const value of TOOL_OVERRIDE_CASES) {
    await t.step(`org_connectors.tool_risk_overrides ${JSON.stringify(value)}`, async () => {
      const valid = toolRiskOverridesSchema.safeParse(value).success;
      const stored = await accepted(() =>
        db.sql`update org_connectors set tool_risk_overrides = ${db.sql.json(value as never)}`
      );
      if (valid) assert.ok(stored, "the validator accepts a value the database refuses");
    });
  }
  await t.step("the cases include values on both sides", () => {
    const verdicts = ACTION_MODE_CASES.map((value) => actionModesSchema.safeParse(value).success);
    assert.ok(verdicts.includes(true) && verdicts.includes(false));
  });
});
