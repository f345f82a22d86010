// A normalised Policy → policy-file YAML (every default spelled out), each rule tagged with its source.
import { Document, isMap, isSeq } from "yaml";
import type { Policy, PolicyRule } from "../model/types.js";

export function renderPolicyYaml(policy: Policy): string {
  const doc = new Document({
    version: 1,
    rules: policy.rules.map(rawRule),
    addresses: policy.addresses,
    limits: { subflows: policy.limits.subflows, "add-addr-accepted": policy.limits.addAddrAccepted },
    routing: { tables: policy.marks.tables, priority: policy.marks.priority, protocol: policy.marks.protocol },
    "endpoint-ids": policy.marks.endpointIds,
    "rp-filter": policy.rpFilter,
  });
  const rules = doc.get("rules", true);
  if (isSeq(rules)) {
    rules.items.forEach((item, i) => {
      const source = policy.rules[i]?.source;
      if (source && isMap(item)) item.commentBefore = ` from ${source.file}:${source.line}`;
    });
  }
  // Short lists read best inline: flags: [subflow, backup].
  for (const path of [["addresses", "skip"], ["routing", "tables"], ["endpoint-ids"]]) {
    const node = doc.getIn(path, true);
    if (isSeq(node)) node.flow = true;
  }
  if (isSeq(rules)) {
    for (const item of rules.items) {
      if (!isMap(item)) continue;
      for (const key of ["match", "endpoint"]) {
        const section = item.get(key, true);
        if (isMap(section)) for (const pair of section.items) if (isSeq(pair.value)) pair.value.flow = true;
      }
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function rawRule(rule: PolicyRule): Record<string, unknown> {
  const base = { name: rule.name, match: rule.match };
  const { action } = rule;
  if (action.kind === "ignore") return { ...base, ignore: true };
  return {
    ...base,
    ...(action.endpoint ? { endpoint: action.endpoint } : {}),
    routing: action.routing === false ? false : action.routing.table === "auto" ? true : { table: action.routing.table },
  };
}
