// The daemon's logger: pino, one line per event on stdout, in one of two forms. JSON for log shippers and
// `jq` (pipes and files, the tests); text for the journal and a terminal: the message and key=value fields,
// and under systemd each line starts with its syslog priority (`<4>`, sd-daemon(3)) so that
// `journalctl -p warning` finds the warnings. Each module takes a child named after its component, so a
// line says where it came from without a logger per file.
import { fstatSync } from "node:fs";
import { isatty } from "node:tty";
import { destination as pinoDestination, pino, type Level, type Logger } from "pino";

export type { Logger } from "pino";

export const LOG_LEVELS: readonly Level[] = ["fatal", "error", "warn", "info", "debug", "trace"];

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where text lines go decides their prefix: a priority for journald, the level's name for a person. */
export type TextStyle = "journal" | "terminal";

/**
 * The form that fits stdout: text on the journal (JOURNAL_STREAM names stdout's device and inode, as
 * systemd.exec(5) says to check) or on a terminal, JSON anywhere else.
 */
export function defaultLogFormat(fd = 1, env: NodeJS.ProcessEnv = process.env): { format: LogFormat; style: TextStyle } {
  if (isJournal(fd, env)) return { format: "text", style: "journal" };
  if (fd >= 0 && isatty(fd)) return { format: "text", style: "terminal" };
  return { format: "json", style: "terminal" };
}

export interface LoggerOptions {
  level?: Level;
  /** JSON lines, or text (see defaultLogFormat for the default). */
  format?: LogFormat;
  /** For text: priority prefixes (journal) or level names (terminal); by default from what stdout is. */
  style?: TextStyle;
  /** File descriptor or stream (tests). */
  destination?: NodeJS.WritableStream | number;
}

/**
 * The root logger. Writes synchronously: a daemon that exits right after its last line (SIGTERM) must not
 * lose it in a buffer, and no worker thread (pino transports) starts with it.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? 1;
  const auto = defaultLogFormat(typeof destination === "number" ? destination : -1);
  const stream = typeof destination === "number" ? pinoDestination({ dest: destination, sync: true }) : destination;
  const format = opts.format ?? auto.format;
  const out = format === "json" ? stream : textStream(stream, opts.style ?? auto.style);
  return pino({ level: opts.level ?? "info", base: { pid: process.pid } }, out);
}

/**
 * pino hands a stream each line as JSON; this one writes it as text instead. Parsing the line back costs a few
 * microseconds, far less than the write itself, and keeps pino's own serialisation (child bindings, errors).
 */
function textStream(out: { write(text: string): unknown }, style: TextStyle): { write(line: string): void } {
  return { write: (line) => void out.write(formatTextLine(JSON.parse(line) as Record<string, unknown>, style)) };
}

/** syslog priorities of pino's levels: fatal → crit, error → err, warn → warning, info, debug and trace → debug. */
const PRIORITY: Readonly<Record<number, number>> = { 60: 2, 50: 3, 40: 4, 30: 6, 20: 7, 10: 7 };
const LEVEL_NAME: Readonly<Record<number, string>> = { 60: "FATAL", 50: "ERROR", 40: "WARN", 30: "INFO", 20: "DEBUG", 10: "TRACE" };
/** Fields the journal or the line itself already shows. */
const SHOWN_ELSEWHERE = new Set(["level", "time", "pid", "hostname", "msg", "component"]);

/**
 * One pino record as one text line: `<4>apply: message key=value key="two words"`. Newlines and other control
 * characters are escaped, so a multi-line message stays one journal entry with its priority.
 */
export function formatTextLine(record: Record<string, unknown>, style: TextStyle): string {
  const level = typeof record.level === "number" ? record.level : 30;
  const prefix = style === "journal" ? `<${PRIORITY[level] ?? 6}>` : `${LEVEL_NAME[level] ?? level} `;
  const component = typeof record.component === "string" ? `${record.component}: ` : "";
  const msg = typeof record.msg === "string" ? escapeControls(record.msg) : "";
  let fields = "";
  for (const [key, value] of Object.entries(record)) {
    if (!SHOWN_ELSEWHERE.has(key) && value !== undefined) fields += ` ${key}=${formatValue(value)}`;
  }
  return `${prefix}${component}${msg}${fields}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=\\\x00-\x1f\x7f]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value);
}

const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isJournal(fd: number, env: NodeJS.ProcessEnv): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream || fd < 0) return false;
  try {
    const st = fstatSync(fd);
    return stream === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}
