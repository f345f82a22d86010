import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { Builder, Parser } from "../../../packaging/xml2js-for-dbus-next.js";

// The real one, as dbus-next requires it (it ships no types).
const xml2js = createRequire(import.meta.url)("xml2js") as { Builder: new (options: object) => { buildObject(o: unknown): string } };

// dbus-next's own construction and the description it builds for a path when nothing is exported.
const options = { headless: true };
const empty = { node: { node: [] } };

describe("the bundle's xml2js for dbus-next", () => {
  it("describes a node with nothing exported exactly as xml2js does", () => {
    expect(new Builder().buildObject(empty)).toBe(new xml2js.Builder(options).buildObject(empty));
  });

  it("refuses anything else rather than describe it wrongly", () => {
    expect(() => new Builder().buildObject({ node: { node: [{ $: { name: "child" } }] } })).toThrow(/not in this build/);
    expect(() => new Builder().buildObject({ node: { node: [], interface: [] } })).toThrow(/not in this build/);
    expect(() => new Parser().parseString()).toThrow(/not in this build/);
  });
});
