// The policy file format (version 1), defined once. Ajv checks structure against it,
// policies/schema.json is generated from it for editors, and its Static type is the raw document.
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { ADDRESS_CLASSES, ENDPOINT_FLAGS } from "../model/types.js";
import { DEVICE_TYPE_NAMES } from "./device-types.js";
import { MAX_TABLE } from "./reserved.js";

/** A string from a fixed list, as a plain JSON-schema `enum` (one ajv error naming the allowed values). */
function StringEnum<const T extends readonly string[]>(values: T, title: string, description?: string) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], title, ...(description ? { description } : {}) });
}

function OneOrMany<T extends TSchema>(item: T, description: string) {
  return Type.Union([item, Type.Array(item, { minItems: 1 })], { description });
}

function Range(min: number, max: number, description: string) {
  const bound = Type.Integer({ minimum: min, maximum: max });
  return Type.Tuple([bound, bound], { description });
}

const Glob = Type.String({ minLength: 1, description: "shell-style glob: * ? [abc]" });

const Limit = Type.Union([Type.Literal("auto"), Type.Integer({ minimum: 0, maximum: 8 })], {
  description: "auto or a number from 0 to 8",
});

export const MatchSchema = Type.Object(
  {
    interface: Type.Optional(OneOrMany(Glob, "kernel interface name glob, or a list of them")),
    type: Type.Optional(
      OneOrMany(StringEnum(DEVICE_TYPE_NAMES, "device type"), "NetworkManager device type, or a list of them"),
    ),
    connection: Type.Optional(OneOrMany(Glob, "NetworkManager connection id glob, or a list of them")),
    uuid: Type.Optional(
      OneOrMany(
        Type.String({
          pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
          description: "connection UUID",
        }),
        "NetworkManager connection UUID, or a list of them",
      ),
    ),
    ssid: Type.Optional(OneOrMany(Glob, "Wi-Fi network name glob, or a list of them")),
    metered: Type.Optional(Type.Boolean({ description: "NetworkManager's metered flag; guess-yes counts as yes" })),
  },
  { additionalProperties: false, minProperties: 1, description: "conditions that must all hold" },
);

export const EndpointSchema = Type.Object(
  {
    flags: Type.Array(StringEnum(ENDPOINT_FLAGS, "endpoint flag"), {
      minItems: 1,
      uniqueItems: true,
      description: "MPTCP endpoint flags: signal and/or subflow, optionally backup, fullmesh",
    }),
    port: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65535, description: "port to announce (signal only); 0 means none" }),
    ),
  },
  { additionalProperties: false },
);

export const RuleRoutingSchema = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      { table: Type.Integer({ minimum: 1, maximum: MAX_TABLE, description: "routing table to pin" }) },
      { additionalProperties: false },
    ),
  ],
  { description: "true, false or { table: N }" },
);

export const RuleSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: "label shown in plans and logs" })),
    match: MatchSchema,
    ignore: Type.Optional(Type.Literal(true, { description: "leave matching devices alone" })),
    endpoint: Type.Optional(EndpointSchema),
    routing: Type.Optional(RuleRoutingSchema),
  },
  { additionalProperties: false },
);

export const PolicyFileSchema = Type.Object(
  {
    version: Type.Literal(1, { description: "policy format version" }),
    rules: Type.Optional(Type.Array(RuleSchema, { description: "ordered; the first matching rule decides" })),
    addresses: Type.Optional(
      Type.Object(
        {
          ipv4: Type.Optional(Type.Boolean()),
          ipv6: Type.Optional(Type.Boolean()),
          skip: Type.Optional(
            Type.Array(StringEnum(ADDRESS_CLASSES, "address class"), {
              uniqueItems: true,
              description: "address classes never used as endpoints (loopback always is skipped)",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Optional(
      Type.Object(
        { subflows: Type.Optional(Limit), "add-addr-accepted": Type.Optional(Limit) },
        { additionalProperties: false },
      ),
    ),
    routing: Type.Optional(
      Type.Object(
        {
          tables: Type.Optional(Range(1, MAX_TABLE, "[first, last] routing tables for per-interface tables")),
          priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 32765, description: "priority of source rules" })),
          protocol: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 255, description: "protocol number marking our routes and rules" }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    "endpoint-ids": Type.Optional(Range(1, 255, "[first, last] MPTCP endpoint ids this tool owns")),
    "rp-filter": Type.Optional(StringEnum(["loose", "keep"] as const, "rp-filter mode", "loose: turn strict rp_filter into loose on managed links; keep: leave it")),
  },
  { additionalProperties: false, description: "mptcp-policy policy file" },
);

export type RawPolicyFile = Static<typeof PolicyFileSchema>;
export type RawRule = Static<typeof RuleSchema>;

/** The schema as a standalone JSON Schema document (what policies/schema.json holds). */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "mptcp-policy policy file, version 1",
    ...(JSON.parse(JSON.stringify(PolicyFileSchema)) as Record<string, unknown>),
  };
}
