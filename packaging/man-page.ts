// mptcp-policy(1) made from the program's own --help texts at package time, so the manual cannot drift from
// the options; the FILES section says where the Debian package puts things.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

const FILES = [
  ["/etc/mptcp-policy/policy.yaml, /etc/mptcp-policy/policy.d/*.yaml", "the policy and its drop-ins (also under /run and /usr/lib); without one, the embedded default applies"],
  ["/usr/share/mptcp-policy/", "example policies and schema.json, the policy's JSON Schema"],
  ["/usr/lib/systemd/system/mptcp-policy.service", "the daemon's unit; systemctl reload re-reads the policy"],
  ["/usr/lib/NetworkManager/conf.d/90-mptcp-policy.conf", "turns NetworkManager's own MPTCP endpoint handling off"],
  ["/usr/lib/NetworkManager/dispatcher.d/90-mptcp-policy", "runs apply on link changes when the daemon is not running"],
  ["/run/mptcp-policy/", "the lock shared by all commands and the daemon's pid file"],
  ["/usr/share/doc/mptcp-policy/README.md", "the full documentation"],
] as const;

/** The manual page of the program at `entry` (run with this Node), dated `date` (YYYY-MM-DD). */
export async function manPage(entry: string, version: string, date: string): Promise<string> {
  const help = async (...args: string[]) => (await run(process.execPath, [entry, ...args, "--help"])).stdout;
  const main = await help();
  // One Node start each: in parallel, they cost about one.
  const commands = await Promise.all(commandNames(main).map(async (name) => ({ name, help: await help(name) })));
  return [
    `.TH MPTCP-POLICY 1 "${date}" "mptcp-policy ${version}" "User Commands"`,
    ".SH NAME",
    "mptcp-policy \\- MPTCP endpoints, limits and routing from NetworkManager state",
    ".SH SYNOPSIS",
    ".B mptcp-policy",
    ".I command",
    "[\\fIoptions\\fR]",
    ".SH DESCRIPTION",
    preformatted(main),
    ".SH COMMANDS",
    ...commands.flatMap((c) => [`.SS ${c.name}`, preformatted(c.help)]),
    ".SH FILES",
    ...FILES.flatMap(([path, what]) => [".TP", `.I ${roff(path)}`, roff(what)]),
    ".SH SEE ALSO",
    ".BR NetworkManager (8),",
    ".BR NetworkManager-dispatcher (8),",
    ".BR ip-mptcp (8),",
    ".BR journalctl (1)",
    "",
  ].join("\n");
}

/** The names under "Commands:" in commander's help, without its own `help`. */
function commandNames(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== "help");
}

function preformatted(text: string): string {
  return [".nf", ...text.trimEnd().split("\n").map(roff), ".fi"].join("\n");
}

/** Text as roff reads it literally: backslashes and minus signs escaped, no line taken for a request. */
function roff(line: string): string {
  return line.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/, "\\&$1");
}
