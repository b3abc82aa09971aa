"""Parses a Prometheus text exposition (stdin) with the reference parser of Prometheus' Python client
(Debian's python3-prometheus-client) and prints every sample as JSON: [{"name", "labels", "value"}, ...].
A text the parser rejects ends the program with an error (exit 1), so the test sees it."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
samples = []
families = []
for family in text_string_to_metric_families(text):
    families.append({"name": family.name, "type": family.type})
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": dict(sample.labels), "value": sample.value})
json.dump({"families": families, "samples": samples}, sys.stdout)
