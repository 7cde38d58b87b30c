/** `ordo ledger`: print or verify an execution's decision ledger from the durable store. */
import { type LedgerEvent, verifyChain } from "@ordo/runtime";
import { defineCommand, EXIT, usageError } from "../command.js";
import { prettyJson } from "../output.js";
import { DURABLE_OPTIONS, withStore } from "./durable.js";

export const ledgerCommand = defineCommand({
  name: "ledger",
  summary: "Print or verify an execution's hash-chained decision ledger.",
  usage: "ordo ledger [verify] <executionId> [--store path|url] [--redis URL] [--json]",
  description: [
    "Prints every ledger event of the execution from the durable store, one line each:",
    "seq, time, type, step, attempt, worker, reason and data.",
    "`ordo ledger verify <id>` recomputes the hash chain and exits 1 naming the first edited,",
    "removed or reordered event ('broken at seq N'); 0 when intact.",
    "With --redis, pending events are shipped from Redis first.",
  ].join("\n"),
  options: DURABLE_OPTIONS,
  positionals: { min: 1, max: 2 },
  async run({ values, positionals }, { io }) {
    const verify = positionals.length === 2;
    if (verify && positionals[0] !== "verify") {
      throw usageError(`unknown ledger subcommand '${positionals[0]}' (expected 'verify')`);
    }
    const executionId = positionals.at(-1)!;
    return withStore(values, io, async (store) => {
      const events = await store.readEvents(executionId);
      if (events.length === 0) {
        io.stderr.write(`ledger ${executionId}: no events in the durable store\n`);
        return EXIT.INVALID;
      }
      if (!verify) {
        io.stdout.write(values.json ? prettyJson(events) : events.map(formatEvent).join(""));
        return EXIT.OK;
      }
      const result = verifyChain(events);
      if (values.json) io.stdout.write(prettyJson({ executionId, ...result }));
      else if (result.ok) {
        const head = result.head!;
        io.stdout.write(
          `ledger ${executionId}: intact, ${result.count} events, head seq ${head.seq} ${head.hash}\n`,
        );
      } else {
        io.stdout.write(
          `ledger ${executionId}: broken at seq ${result.seq}: ${result.code} ${result.message}\n`,
        );
      }
      return result.ok ? EXIT.OK : EXIT.INVALID;
    });
  },
});

/** `   7  12:00:01.234  step.completed  b  attempt 1  worker w1  {"bytes":12}` */
export function formatEvent(e: LedgerEvent): string {
  const parts = [
    String(e.seq).padStart(4),
    new Date(e.at).toISOString().slice(11, 23),
    e.type.padEnd(22),
    (e.stepId ?? "").padEnd(10),
  ];
  if (e.attempt !== undefined) parts.push(`attempt ${e.attempt}`);
  if (e.workerId !== undefined) parts.push(`worker ${e.workerId}`);
  if (e.reason !== undefined) parts.push(`reason ${e.reason}`);
  if (e.data !== undefined) parts.push(JSON.stringify(e.data));
  return `${parts.join("  ").trimEnd()}\n`;
}
