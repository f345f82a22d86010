// The strict parser the metrics file is checked with, against the format's own examples
// (prometheus/docs, content/docs/instrumenting/exposition_formats.md) and what the format forbids.
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "../rig/prometheus-text.js";

/** The example of the format's specification, as written there. */
const SPEC_EXAMPLE = String.raw`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP telemetry_requests_metrics_latency_microseconds A summary of the response latency.
# TYPE telemetry_requests_metrics_latency_microseconds summary
telemetry_requests_metrics_latency_microseconds{quantile="0.01"} 3102
telemetry_requests_metrics_latency_microseconds{quantile="0.05"} 3272
telemetry_requests_metrics_latency_microseconds{quantile="0.5"} 4773
telemetry_requests_metrics_latency_microseconds{quantile="0.9"} 9001
telemetry_requests_metrics_latency_microseconds{quantile="0.99"} 76656
telemetry_requests_metrics_latency_microseconds_sum 1.7560473e+07
telemetry_requests_metrics_latency_microseconds_count 2693
`;

describe("parsePrometheusText", () => {
  it("reads the specification's example", () => {
    const families = parsePrometheusText(SPEC_EXAMPLE);
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ["http_requests_total", "counter", 2],
      ["msdos_file_access_time_seconds", "untyped", 1],
      ["metric_without_timestamp_and_labels", "untyped", 1],
      ["something_weird", "untyped", 1],
      ["http_request_duration_seconds", "histogram", 8],
      ["telemetry_requests_metrics_latency_microseconds", "summary", 7],
    ]);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get("http_requests_total")).toMatchObject({
      help: "The total number of HTTP requests.",
      samples: [
        { labels: { method: "post", code: "200" }, value: 1027, timestamp: 1395066363000 },
        { labels: { method: "post", code: "400" }, value: 3, timestamp: 1395066363000 },
      ],
    });
    expect(byName.get("msdos_file_access_time_seconds")!.samples[0]).toEqual({
      name: "msdos_file_access_time_seconds",
      labels: { path: "C:\\DIR\\FILE.TXT", error: 'Cannot find file:\n"FILE.TXT"' },
      value: 1.458255915e9,
    });
    expect(byName.get("something_weird")!.samples[0]).toMatchObject({ value: Infinity, timestamp: -3982045 });
    expect(byName.get("telemetry_requests_metrics_latency_microseconds")!.samples.at(-2)).toMatchObject({ value: 1.7560473e7 });
  });

  it("reads NaN, -Inf, a trailing comma in labels and blanks around tokens", () => {
    const [f] = parsePrometheusText("# TYPE g gauge\n  g{a=\"1\",} NaN \ng{a=\"2\"}\t-Inf\n");
    expect(f!.samples.map((s) => s.value)).toEqual([NaN, -Infinity]);
  });

  it.each([
    { name: "no line feed at the end", text: "a 1", error: /last line does not end/ },
    { name: "TYPE after a sample", text: "a 1\n# TYPE a counter\n", error: /line 2: TYPE for a after its samples/ },
    { name: "two TYPE lines", text: "# TYPE a counter\n# TYPE a counter\na 1\n", error: /line 2: a second TYPE/ },
    { name: "two HELP lines", text: "# HELP a x\n# HELP a y\na 1\n", error: /line 2: a second HELP/ },
    { name: "an unknown type", text: "# TYPE a meter\na 1\n", error: /unknown type "meter"/ },
    { name: "TYPE with extra tokens", text: "# TYPE a counter total\na 1\n", error: /exactly a name and a type/ },
    { name: "a metric's lines split in two groups", text: "a 1\nb 1\na{x=\"y\"} 2\n", error: /line 3: a continues after other metrics/ },
    { name: "the same series twice", text: "a{x=\"1\"} 1\na{x=\"1\"} 2\n", error: /line 2: .* appears twice/ },
    { name: "a bad metric name", text: "1a 1\n", error: /line 1: no metric name/ },
    { name: "a bad label name", text: "a{1x=\"1\"} 1\n", error: /line 1: bad label name/ },
    { name: "a reserved label name", text: "a{__x=\"1\"} 1\n", error: /reserved/ },
    { name: "a label given twice", text: "a{x=\"1\",x=\"2\"} 1\n", error: /label x given twice/ },
    { name: "an unquoted label value", text: "a{x=1} 1\n", error: /needs ="value"/ },
    { name: "an unclosed label value", text: "a{x=\"1} 1\n", error: /not closed/ },
    { name: "an unknown escape", text: "a{x=\"\\t\"} 1\n", error: /invalid escape \\t/ },
    { name: "a value that is no float", text: "a 1,5\n", error: /"1,5" is not a float/ },
    { name: "a timestamp that is no integer", text: "a 1 1.5\n", error: /timestamp "1.5"/ },
    { name: "more tokens after the timestamp", text: "a 1 2 3\n", error: /at most a timestamp/ },
    { name: "no value", text: "a{x=\"1\"}\n", error: /expected a value/ },
    { name: "a histogram without +Inf", text: "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n", error: /without a \+Inf bucket/ },
    { name: "a histogram whose +Inf differs from _count", text: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 2\nh_sum 1\n", error: /differs from _count/ },
    { name: "buckets out of order", text: "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", error: /increasing order/ },
  ])("refuses $name", ({ text, error }) => {
    expect(() => parsePrometheusText(text)).toThrow(error);
  });
});
