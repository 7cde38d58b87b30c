/** Help text of the `ordo` binary, generated from the command table. */
import type { Command, OptionSpecs } from "./command.js";

/** `ordo --help`: every command with its summary. */
export function formatGlobalHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = [
    `ordo ${version}: compile, check and run Ordo pipelines`,
    "",
    "Usage: ordo <command> [arguments] [options]",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Options:",
    "  -h, --help     show help (also: ordo <command> --help)",
    "  -v, --version  print the version",
    "",
    "Exit codes: 0 ok, 1 validation errors, 2 usage errors (bad arguments, unreadable file).",
  ];
  return `${lines.join("\n")}\n`;
}

/** `ordo <command> --help`: synopsis, description and options. */
export function formatCommandHelp(command: Command): string {
  const rows = Object.entries(command.options as OptionSpecs).map(([name, spec]) => {
    const short = spec.short === undefined ? "    " : `-${spec.short}, `;
    const value = spec.type === "string" ? ` <${spec.valueName ?? "value"}>` : "";
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [`Usage: ${command.usage}`, "", command.summary];
  if (command.description !== undefined) lines.push("", command.description);
  lines.push("", "Options:", ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  return `${lines.join("\n")}\n`;
}
