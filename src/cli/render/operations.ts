import { renderCommand } from "../../apply/render.js";
import type { Operation } from "../../model/types.js";
import { describeOperation } from "../../plan/index.js";

/** One line per operation: the command an admin could type, then why. */
export function operationLine(op: Operation): string {
  return `${renderCommand(op)}    # ${describeOperation(op)}`;
}

/** The JSON form of an operation: the plain object plus its command and description. */
export function operationJson(op: Operation): Operation & { command: string; description: string } {
  return { ...op, command: renderCommand(op), description: describeOperation(op) };
}
