/**
 * Shared by `ordo pause|resume|cancel|input`: a client on the Redis the execution lives on.
 */
import { type Client, createClient } from "@ordo/runtime";
import { type OptionSpecs, usageError } from "../command.js";

/** Options every execution-control command takes. */
export const CONTROL_OPTIONS = {
  redis: { type: "string", valueName: "URL", description: "Redis URL or socket path (required)." },
  prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
  reason: { type: "string", valueName: "text", description: "Reason recorded in the ledger." },
  json: { type: "boolean", description: "Print one JSON object." },
} as const satisfies OptionSpecs;

/** Opens a client for `command`, runs `use`, closes it. */
export async function withClient<T>(
  command: string,
  values: { redis?: string; prefix?: string },
  use: (client: Client) => Promise<T>,
): Promise<T> {
  if (values.redis === undefined) {
    throw usageError(
      `${command}: --redis URL is required (embedded executions end with their process)`,
    );
  }
  const client = createClient({
    connection: values.redis,
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
