// The daemon's logger: pino JSON lines on stdout (journald keeps them; `jq` reads them). Each module takes
// a child named after its component, so a line says where it came from without a logger per file.
import { destination as pinoDestination, pino, type Level, type Logger } from "pino";

export type { Level, Logger } from "pino";

export const LOG_LEVELS: readonly Level[] = ["fatal", "error", "warn", "info", "debug", "trace"];

export function isLogLevel(value: string): value is Level {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The root logger. Writes synchronously: a daemon that exits right after its last line (SIGTERM) must not
 * lose it in a buffer.
 */
export function createLogger(level: Level = "info", destination: NodeJS.WritableStream | number = 1): Logger {
  const stream = typeof destination === "number" ? pinoDestination({ dest: destination, sync: true }) : destination;
  return pino({ level, base: { pid: process.pid } }, stream);
}
