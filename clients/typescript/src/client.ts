// A small typed wrapper around openapi-fetch for the AI Orchestrator API: the client with the
// token, the quota headers of an AI answer, and the letter stream as typed events.
// Everything it types comes from schema.d.ts, generated from /api/schema/ (`make client`).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Schemas = components["schemas"];
export type LetterStreamEvent = Schemas["LetterStreamEvent"];
export type ErrorCode = Schemas["ErrorCode"];

export function apiClient(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}
export type ApiClient = ReturnType<typeof apiClient>;

/** The caller's quota left, from the X-Quota-* headers every AI answer carries (null: the
 * plan has no such limit). */
export interface Quota {
  plan: string | null;
  dailyTokensRemaining: number | null;
  monthlyTokensRemaining: number | null;
  monthlyCostRemaining: string | null;
  dailyResetSeconds: number | null;
  requestId: string | null;
}

export function quotaOf(response: Response): Quota {
  const header = (name: string) => response.headers.get(name);
  const count = (name: string) => {
    const value = header(name);
    return value === null ? null : Number(value);
  };
  return {
    plan: header("X-Quota-Plan"),
    dailyTokensRemaining: count("X-Quota-Daily-Tokens-Remaining"),
    monthlyTokensRemaining: count("X-Quota-Monthly-Tokens-Remaining"),
    monthlyCostRemaining: header("X-Quota-Monthly-Cost-Remaining"),
    dailyResetSeconds: count("X-Quota-Daily-Reset"),
    requestId: header("X-Request-Id"),
  };
}

/** The file name of an export, from its Content-Disposition header. */
export function fileNameOf(response: Response): string | null {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const match = /filename="?([^";]+)"?/.exec(disposition);
  return match?.[1] ?? null;
}

/** The events of a streamed letter (`POST /cover-letter/generate/stream`), each typed by its
 * name: `start`, `delta`..., then `done` (the saved letter) or `error`. */
export async function* letterEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<LetterStreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value !== undefined) buffered += decoder.decode(value, { stream: true });
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const event = parseEvent(buffered.slice(0, end));
      if (event !== null) yield event;
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
    }
    if (done) return;
  }
}

function parseEvent(block: string): LetterStreamEvent | null {
  let name = "";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  // The server writes each event's data as the schema describes it (LetterStream*Event).
  switch (name) {
    case "start":
      return { event: "start", data: JSON.parse(data) };
    case "delta":
      return { event: "delta", data: JSON.parse(data) };
    case "done":
      return { event: "done", data: JSON.parse(data) };
    case "error":
      return { event: "error", data: JSON.parse(data) };
    default:
      return null;
  }
}
