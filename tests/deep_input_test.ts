/**
 * Hostile shapes outside the validators: JSON nested far deeper than any call stack, and error
 * bodies far larger than anything a message keeps.
 */
import assert from "node:assert/strict";
import {
  isJsonValue,
  MAX_PROVIDER_ERROR_BODY_BYTES,
  ProviderError,
  stableStringify,
} from "../providers/mod.ts";

function nested(depth: number): unknown {
  let value: unknown = { b: 1, a: "x" };
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

/** A body of `chunks` × 64 KiB that counts how many bytes the reader pulled. */
function countingBody(chunks: number): { response: Response; pulled: () => number } {
  let pulled = 0;
  let sent = 0;
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { response: new Response(stream, { status: 502 }), pulled: () => pulled };
}

Deno.test("isJsonValue and stableStringify: 200,000 levels deep, no RangeError", () => {
  const deep = nested(200_000);
  assert.equal(isJsonValue(deep), true);
  const text = stableStringify(deep);
  assert.ok(text.startsWith('{"k":[{"k":['));
  assert.ok(text.includes('{"a":"x","b":1}'), "keys sorted at the bottom too");
  assert.equal(text, JSON.stringify(deep).replace('{"b":1,"a":"x"}', '{"a":"x","b":1}'));
});

Deno.test("isJsonValue: a deep cycle is refused, a value seen twice is not a cycle", () => {
  const root: unknown[] = [];
  let tip = root;
  for (let i = 0; i < 50_000; i++) {
    const next: unknown[] = [];
    tip.push(next);
    tip = next;
  }
  tip.push(root);
  assert.equal(isJsonValue(root), false);
  const shared = { x: 1 };
  assert.equal(isJsonValue([shared, { y: shared }]), true);
  assert.equal(stableStringify([shared, { y: shared }]), '[{"x":1},{"y":{"x":1}}]');
});

Deno.test("ProviderError.fromResponse: reads at most its cap of a huge body", async () => {
  const { response, pulled } = countingBody(800); // 50 MiB on offer
  const error = await ProviderError.fromResponse(response, "Upstream");
  assert.equal(error.code, "upstream_error");
  assert.ok(error.message.length <= 600, "the message stays capped");
  assert.ok(
    pulled() <= MAX_PROVIDER_ERROR_BODY_BYTES + 64 * 1024,
    `pulled ${pulled()} bytes of 50 MiB`,
  );
});
