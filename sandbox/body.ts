/**
 * Reading a failed response's body without trusting its size: at most a given number of bytes
 * is read, the rest of the stream is cancelled. Shared by the provider and sandbox errors.
 *
 * @module
 */

/**
 * Reads at most `maxBytes` of `response`'s body as UTF-8 text; the flag says whether the body
 * ended within the limit. A multi-byte character cut at the limit is dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCappedBody } from "./body.ts";
 * assert.deepEqual(await readCappedBody(new Response("abcdef"), 4), ["abcd", false]);
 * assert.deepEqual(await readCappedBody(new Response("ab"), 4), ["ab", true]);
 * ```
 */
export async function readCappedBody(
  response: Response,
  maxBytes: number,
): Promise<[string, boolean]> {
  if (response.body === null) return ["", true];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return [text + decoder.decode(), true];
    if (size + value.byteLength > maxBytes) {
      text += decoder.decode(value.subarray(0, maxBytes - size), { stream: true });
      await reader.cancel().catch(() => {});
      return [text, false];
    }
    size += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
}
