/**
 * `ordo admission`: the deployment-wide step admission policy (which providers, models and
 * operations steps may use right now), through the control-plane HTTP API (`--url`/`--token`,
 * like `ordo queue`) or straight on Redis (`--redis`). Not run admission (`GET /admission`).
 */
import { type AdmissionPolicyRecord, createControlPlane } from "@ordo/runtime";
import { defineCommand, EXIT, usageError } from "../command.js";
import { API_OPTIONS, apiClient, print } from "./queue.js";

const list = (description: string) =>
  ({ type: "string", multiple: true, valueName: "name", description }) as const;

/** Flag -> policy field, for the list rules (repeatable, or comma-separated). */
const LIST_FLAGS = {
  "allow-provider": "allowedProviders",
  "block-provider": "blockedProviders",
  "allow-model": "allowedModels",
  "block-model": "blockedModels",
  "allow-operation": "allowedOperations",
  "block-operation": "blockedOperations",
} as const;

const REQUIRE_FLAGS = {
  "require-provider": "requireProvider",
  "require-model": "requireModel",
  "require-operation": "requireOperation",
} as const;

const SUBCOMMANDS = ["show", "set", "clear"];

type Values = { readonly [key: string]: string | string[] | boolean | undefined };

/** The policy the `set` flags describe (`--policy json` as a base, flags on top). */
function policyOf(values: Values): Record<string, unknown> {
  let policy: Record<string, unknown> = {};
  if (typeof values.policy === "string") {
    try {
      policy = JSON.parse(values.policy) as Record<string, unknown>;
    } catch {
      throw usageError("admission set: --policy must be a JSON object");
    }
  }
  for (const [flag, field] of Object.entries(LIST_FLAGS)) {
    const given = values[flag];
    if (!Array.isArray(given)) continue;
    policy[field] = given
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean);
  }
  for (const [flag, field] of Object.entries(REQUIRE_FLAGS)) {
    if (values[flag] === true) policy[field] = true;
  }
  if (typeof values.reason === "string") policy.reason = values.reason;
  if (typeof values["retry-after"] === "string") {
    const ms = Number(values["retry-after"]);
    if (!Number.isInteger(ms) || ms <= 0) {
      throw usageError("admission set: --retry-after must be a positive integer (ms)");
    }
    policy.retryAfterMs = ms;
  }
  return policy;
}

/** One readable block for `show` and `set`. */
function describe(record: AdmissionPolicyRecord | null): string {
  if (record === null) return "no admission policy: every step is admitted\n";
  const { policy } = record;
  const lines = [
    `admission policy v${record.version}, set by ${record.setBy} at ${new Date(record.setAt).toISOString()}`,
  ];
  for (const [key, value] of Object.entries(policy)) {
    lines.push(`  ${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The three operations, on the HTTP API or on Redis. */
interface Backend {
  show(): Promise<AdmissionPolicyRecord | null>;
  set(policy: unknown): Promise<AdmissionPolicyRecord>;
  clear(): Promise<boolean>;
  close(): Promise<void>;
}

function backendOf(values: Values): Backend {
  if (typeof values.redis === "string") {
    const control = createControlPlane({
      connection: values.redis,
      ...(typeof values.prefix === "string" ? { prefix: values.prefix } : {}),
    });
    const by = { requestedBy: "cli" };
    return {
      show: async () => (await control.admissionPolicy.get()) ?? null,
      set: (policy) => control.admissionPolicy.set(policy, by),
      clear: () => control.admissionPolicy.clear(by),
      close: () => control.close(),
    };
  }
  const api = apiClient(values as { url?: string; token?: string }, "admission");
  type Answer = { policy: AdmissionPolicyRecord | null };
  return {
    show: async () => ((await api("GET", "/admission/policy")) as Answer).policy,
    set: async (policy) =>
      ((await api("PUT", "/admission/policy", policy)) as { policy: AdmissionPolicyRecord }).policy,
    clear: async () => ((await api("DELETE", "/admission/policy")) as { cleared: boolean }).cleared,
    close: async () => {},
  };
}

export const admissionCommand = defineCommand({
  name: "admission",
  summary: "Show, set or clear the deployment's step admission policy (providers, models, ops).",
  usage: [
    "ordo admission show",
    "       ordo admission set [--block-provider p] [--allow-provider p] [--require-provider]",
    "                          [--block-model p:m] [--allow-model p:m|p:*] [--require-model]",
    "                          [--block-operation o] [--allow-operation o] [--require-operation]",
    "                          [--reason text] [--retry-after ms] [--policy json]",
    "       ordo admission clear",
    "       (all: --url URL --token token [--json], or --redis URL [--prefix name])",
  ].join("\n"),
  description: [
    "Workers check the policy (cached about 1 s) before a step takes any limit. A refused step",
    "waits for --retry-after ms (default 1000; ledger policy.denied, no attempt spent) and is",
    "offered again, so clearing the policy lets it run. `set` replaces the whole policy.",
    "List flags repeat or take comma-separated names; models are provider:model (provider:*).",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    redis: { type: "string", valueName: "URL", description: "Use Redis directly (no ordo serve)." },
    prefix: {
      type: "string",
      valueName: "name",
      description: "--redis: key prefix. Default ordo.",
    },
    "allow-provider": list("set: only these providers (steps naming another wait)."),
    "block-provider": list("set: refuse these providers."),
    "require-provider": { type: "boolean", description: "set: refuse steps naming no provider." },
    "allow-model": list("set: only these models (provider:model or provider:*)."),
    "block-model": list("set: refuse these models (provider:model or provider:*)."),
    "require-model": { type: "boolean", description: "set: refuse steps naming no model." },
    "allow-operation": list("set: only these operations (e.g. llm.chat)."),
    "block-operation": list("set: refuse these operations."),
    "require-operation": { type: "boolean", description: "set: refuse steps naming no operation." },
    reason: { type: "string", valueName: "text", description: "set: why (ledger, worker logs)." },
    "retry-after": { type: "string", valueName: "ms", description: "set: wait of a refused step." },
    policy: { type: "string", valueName: "json", description: "set: the policy as JSON." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const [sub] = positionals;
    if (!SUBCOMMANDS.includes(sub!)) {
      throw usageError(`admission: unknown subcommand '${sub}'; use ${SUBCOMMANDS.join(", ")}`);
    }
    const policy = sub === "set" ? policyOf(values) : undefined;
    const backend = backendOf(values);
    try {
      if (sub === "show") {
        const record = await backend.show();
        print(io, values.json, { policy: record }, describe(record));
      } else if (sub === "set") {
        const record = await backend.set(policy);
        print(io, values.json, { policy: record }, describe(record));
      } else {
        const cleared = await backend.clear();
        const text = cleared
          ? "admission policy cleared: waiting steps run on their next retry\n"
          : "no admission policy was set\n";
        print(io, values.json, { cleared }, text);
      }
    } finally {
      await backend.close();
    }
    return EXIT.OK;
  },
});
