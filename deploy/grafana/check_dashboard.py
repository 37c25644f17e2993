#!/usr/bin/env python3
"""Offline checks of the Grafana dashboards and the Prometheus alert rules.

    python deploy/grafana/check_dashboard.py            # the dashboards
    python deploy/grafana/check_dashboard.py --rules    # alerts.yml, alerts.test.yml

Run from the repository root (deploy/validate.sh does both). Exits 1 and prints one line
per problem, else prints a summary and exits 0. Needs PyYAML (in the project venv).

Dashboards (deploy/grafana/dashboards/*.json): well-formed JSON with uid, title and an
integer schemaVersion; unique integer panel ids; every panel but a row has a title, a
gridPos inside the 24 columns, a unit, a Prometheus data source (the `datasource`
variable, whose default is the uid provisioned in
provisioning/datasources/prometheus.yml) and targets, each with an `expr` and a refId
unique in its panel. The provisioning files (provisioning/datasources,
provisioning/dashboards) have apiVersion 1, data sources a name, uid, type and url,
dashboard providers type file and a path.

Rules (deploy/prometheus/alerts.yml): every alert has `for`, a severity label among
critical / warning / info, and summary and description annotations; every alert is
tested in alerts.test.yml at least once firing and once quiet (empty exp_alerts); every
alert tested exists.

Both: every metric name in a PromQL expression (panel targets, template variable
queries, rule expressions, test input series) is one the code exposes -- found by
reading the Counter/Gauge/Histogram/Summary declarations in services/ and gateway/ -- or
one announced below (ANNOUNCED, not yet in the code: reported, not an error), one of the
rabbitmq_prometheus plugin (RABBITMQ), or one of Prometheus itself (`up`). Label names
in selectors and in by/without/on/ignoring clauses must be labels of those metrics (or
target labels such as job and instance). The check knows PromQL's syntax well enough for
this, not fully.
"""

from __future__ import annotations

import argparse
import ast
import glob
import json
import os
import re
import sys

# Metrics whose code is being written: name -> (type, labels). Once the code declares
# one, the code's declaration is used instead (and a different label set there shows up
# as errors). An announced name that the code declares under another prefix (eproc_ for
# lpse_, as happened with notifikasi's) is an error: the dashboard would stay empty.
ANNOUNCED: dict[str, tuple[str, tuple[str, ...]]] = {
    "eproc_reporting_forwarding_backlog": ("gauge", ("destination", "status")),
    "eproc_reporting_forwarded_total": ("counter", ("destination", "outcome")),
    "eproc_reporting_releases_total": ("counter", ("tag",)),
    "eproc_reporting_pengaduan_open": ("gauge", ()),
}

# rabbitmq_prometheus (RabbitMQ 3.13): the aggregated /metrics of job `rabbitmq`, and
# the /metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count of job
# `rabbitmq-queues` (deploy/prometheus/prometheus.yml). Only the names this repository
# uses or is likely to; add from https://www.rabbitmq.com/docs/prometheus when needed.
_QUEUE = ("vhost", "queue")
RABBITMQ: dict[str, tuple[str, ...]] = {
    "rabbitmq_alarms_memory_used_watermark": (),
    "rabbitmq_alarms_free_disk_space_watermark": (),
    "rabbitmq_alarms_file_descriptor_limit": (),
    "rabbitmq_queue_messages_ready": (),
    "rabbitmq_queue_messages_unacked": (),
    "rabbitmq_queue_messages": (),
    "rabbitmq_queues": (),
    "rabbitmq_connections": (),
    "rabbitmq_consumers": (),
    "rabbitmq_channels": (),
    "rabbitmq_detailed_queue_messages_ready": _QUEUE,
    "rabbitmq_detailed_queue_messages_unacked": _QUEUE,
    "rabbitmq_detailed_queue_messages": _QUEUE,
    "rabbitmq_detailed_queue_consumers": _QUEUE,
}

PROMETHEUS: dict[str, tuple[str, ...]] = {
    "up": (),
    "scrape_duration_seconds": (),
    "scrape_samples_scraped": (),
}

# Metric name prefixes of this platform (services/common/metrics.py uses eproc_).
PREFIXES = ("eproc", "lpse")

# Labels every scraped series may carry: Prometheus's target labels (compose static
# targets, Kubernetes pod discovery relabelled to these) and the name.
TARGET_LABELS = frozenset({"job", "instance", "namespace", "pod", "__name__"})

AGGREGATIONS = frozenset(
    {
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
        "limitk",
        "limit_ratio",
    }
)
FUNCTIONS = frozenset(
    {
        "abs",
        "absent",
        "absent_over_time",
        "ceil",
        "changes",
        "clamp",
        "clamp_max",
        "clamp_min",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "delta",
        "deriv",
        "exp",
        "floor",
        "histogram_quantile",
        "histogram_count",
        "histogram_sum",
        "histogram_fraction",
        "holt_winters",
        "double_exponential_smoothing",
        "hour",
        "idelta",
        "increase",
        "irate",
        "label_join",
        "label_replace",
        "ln",
        "log2",
        "log10",
        "minute",
        "month",
        "predict_linear",
        "rate",
        "resets",
        "round",
        "scalar",
        "sgn",
        "sort",
        "sort_desc",
        "sort_by_label",
        "sort_by_label_desc",
        "sqrt",
        "time",
        "timestamp",
        "vector",
        "year",
        "avg_over_time",
        "min_over_time",
        "max_over_time",
        "sum_over_time",
        "count_over_time",
        "quantile_over_time",
        "stddev_over_time",
        "stdvar_over_time",
        "last_over_time",
        "present_over_time",
        "mad_over_time",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "cos",
        "cosh",
        "sin",
        "sinh",
        "tan",
        "tanh",
        "deg",
        "rad",
        "pi",
    }
)
GROUPING = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"}
)

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
  | (?P<range>\[[^\]]*\])
  | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:ms|[smhdwy])?)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>[{}(),]|=~|!~|!=|==|<=|>=|[-+*/%^<>=@])
""",
    re.X,
)
GRAFANA_VAR = re.compile(r"\$\{[^}]*\}|\$\w+|\[\[\w+\]\]")


class Expr:
    """Metric names, selector labels and grouping labels of one PromQL expression."""

    def __init__(self, text: str) -> None:
        self.metrics: list[tuple[str, list[str]]] = []  # (name, labels in its {...})
        self.grouping: list[str] = []
        self.errors: list[str] = []
        self._parse(text)

    def _parse(self, text: str) -> None:
        # Grafana variables: left in strings and ranges; elsewhere read as a number.
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m:
                var = GRAFANA_VAR.match(text, pos)
                if var:
                    tokens.append(("number", "0"))
                    pos = var.end()
                    continue
                self.errors.append(f"cannot read {text[pos : pos + 20]!r}")
                return
            pos = m.end()
            if m.lastgroup != "space":
                tokens.append((m.lastgroup, m.group()))
        i = 0
        while i < len(tokens):
            kind, value = tokens[i]
            nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            if kind == "ident" and value in GROUPING:
                i += 1
                if nxt == "(":
                    i += 1
                    while i < len(tokens) and tokens[i][1] != ")":
                        if tokens[i][0] == "ident":
                            self.grouping.append(tokens[i][1])
                        i += 1
                    i += 1
                continue
            if kind == "ident" and (value in AGGREGATIONS or value in KEYWORDS):
                i += 1
                continue
            if kind == "ident" and nxt == "(":
                if value not in FUNCTIONS:
                    self.errors.append(f"unknown function {value}()")
                i += 1
                continue
            if kind == "ident" or (kind == "op" and value == "{"):
                name = value if kind == "ident" else ""
                labels: list[str] = []
                i += 1 if kind == "ident" else 0
                if i < len(tokens) and tokens[i][1] == "{":
                    i += 1
                    while i < len(tokens) and tokens[i][1] != "}":
                        if tokens[i][0] == "ident":
                            labels.append(tokens[i][1])
                            i += 1  # its operator and value follow
                            i += 2
                            continue
                        i += 1
                    i += 1
                if not name:
                    self.errors.append("a selector without a metric name")
                else:
                    self.metrics.append((name, labels))
                continue
            i += 1


def code_metrics(roots: list[str]) -> dict[str, tuple[str, ...]]:
    """Exposed series names -> label names, from the prometheus_client declarations."""
    found: dict[str, tuple[str, ...]] = {}
    for root in roots:
        for path in glob.glob(os.path.join(root, "**", "*.py"), recursive=True):
            if f"{os.sep}tests{os.sep}" in path or os.path.basename(path).startswith(
                "test_"
            ):
                continue
            with open(path, encoding="utf-8") as handle:
                try:
                    tree = ast.parse(handle.read(), path)
                except SyntaxError:
                    continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                kind = (
                    func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                )
                if kind not in ("Counter", "Gauge", "Histogram", "Summary"):
                    continue
                if (
                    not node.args
                    or not isinstance(node.args[0], ast.Constant)
                    or not isinstance(node.args[0].value, str)
                ):
                    continue
                labels_node = (
                    node.args[2]
                    if len(node.args) > 2
                    else next(
                        (k.value for k in node.keywords if k.arg == "labelnames"), None
                    )
                )
                labels: tuple[str, ...] = ()
                if isinstance(labels_node, (ast.List, ast.Tuple)):
                    labels = tuple(
                        e.value
                        for e in labels_node.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
                found.update(exposed(node.args[0].value, kind.lower(), labels))
    return found


def exposed(
    name: str, kind: str, labels: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    if kind == "counter":
        base = name[: -len("_total")] if name.endswith("_total") else name
        return {f"{base}_total": labels, f"{base}_created": labels}
    if kind == "histogram":
        return {
            f"{name}_bucket": labels + ("le",),
            f"{name}_count": labels,
            f"{name}_sum": labels,
            f"{name}_created": labels,
        }
    if kind == "summary":
        return {
            f"{name}_count": labels,
            f"{name}_sum": labels,
            f"{name}_created": labels,
        }
    return {name: labels}


class Catalogue:
    def __init__(self) -> None:
        self.code = code_metrics(["services", "gateway"])
        self.announced: dict[str, tuple[str, ...]] = {}
        for name, (kind, labels) in ANNOUNCED.items():
            for series, series_labels in exposed(name, kind, labels).items():
                if series not in self.code:
                    self.announced[series] = series_labels
        self.known = {**PROMETHEUS, **RABBITMQ, **self.announced, **self.code}
        self.used_announced: set[str] = set()
        # announced name -> the name the code declares instead (same name, other prefix)
        self.renamed: dict[str, str] = {}
        for series in self.announced:
            rest = series.split("_", 1)[1]
            for prefix in PREFIXES:
                if f"{prefix}_{rest}" in self.code:
                    self.renamed[series] = f"{prefix}_{rest}"

    def check(self, where: str, text: str) -> list[str]:
        expr = Expr(text)
        errors = [f"{where}: {e}" for e in expr.errors]
        allowed = set(TARGET_LABELS)
        for name, labels in expr.metrics:
            if name not in self.known:
                errors.append(
                    f"{where}: metric {name} is not exposed by the code "
                    "(services/, gateway/), announced, or a rabbitmq/prometheus metric"
                )
                continue
            if name in self.renamed:
                errors.append(
                    f"{where}: {name} was announced, but the code declares "
                    f"{self.renamed[name]}: use that name"
                )
            if name in self.announced:
                self.used_announced.add(name)
            own = set(self.known[name]) | TARGET_LABELS
            allowed |= own
            errors += [
                f"{where}: {name} has no label {label!r} "
                f"(it has {sorted(self.known[name])})"
                for label in labels
                if label not in own
            ]
        if expr.metrics:
            errors += [
                f"{where}: grouping label {label!r} belongs to none of "
                f"{sorted({n for n, _ in expr.metrics})}"
                for label in expr.grouping
                if label not in allowed
            ]
        return errors


def check_dashboards(
    cat: Catalogue, folder: str, datasources: str, providers: str
) -> tuple[list[str], str]:
    errors: list[str] = []
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not files:
        return [f"no dashboard in {folder}"], ""
    provisioned_uids: set[str] = set()
    import yaml

    for path in sorted(glob.glob(os.path.join(datasources, "*.y*ml"))):
        with open(path, encoding="utf-8") as handle:
            conf = yaml.safe_load(handle) or {}
        if conf.get("apiVersion") != 1:
            errors.append(f"{os.path.relpath(path)}: apiVersion must be 1")
        for ds in conf.get("datasources", []):
            missing = [k for k in ("name", "uid", "type", "url") if not ds.get(k)]
            if missing:
                errors.append(
                    f"{os.path.relpath(path)}: data source {ds.get('name')!r} "
                    f"lacks {missing}"
                )
            provisioned_uids.add(ds.get("uid", ""))
    if not provisioned_uids:
        errors.append(f"no provisioned data source in {datasources}")
    for path in sorted(glob.glob(os.path.join(providers, "*.y*ml"))):
        with open(path, encoding="utf-8") as handle:
            conf = yaml.safe_load(handle) or {}
        if conf.get("apiVersion") != 1:
            errors.append(f"{os.path.relpath(path)}: apiVersion must be 1")
        for provider in conf.get("providers", []):
            if provider.get("type") != "file" or not (
                provider.get("options") or {}
            ).get("path"):
                errors.append(
                    f"{os.path.relpath(path)}: provider {provider.get('name')!r} "
                    "needs type file and options.path"
                )
    counted = 0
    for path in files:
        name = os.path.relpath(path)
        try:
            with open(path, encoding="utf-8") as handle:
                dash = json.load(handle)
        except ValueError as exc:
            errors.append(f"{name}: not JSON: {exc}")
            continue
        for key in ("uid", "title"):
            if not dash.get(key):
                errors.append(f"{name}: no {key}")
        if not isinstance(dash.get("schemaVersion"), int):
            errors.append(f"{name}: schemaVersion missing or not an integer")
        variables = {
            v.get("name"): v for v in dash.get("templating", {}).get("list", [])
        }
        ds_var = variables.get("datasource")
        if ds_var is not None:
            if (
                ds_var.get("type") != "datasource"
                or ds_var.get("query") != "prometheus"
            ):
                errors.append(
                    f"{name}: variable datasource must be of type datasource, "
                    "query prometheus"
                )
            default = (ds_var.get("current") or {}).get("value")
            if provisioned_uids and default not in provisioned_uids:
                errors.append(
                    f"{name}: variable datasource defaults to {default!r}, "
                    f"not a provisioned data source uid {sorted(provisioned_uids)}"
                )
        good_uids = {"${datasource}", "$datasource"} if ds_var is not None else set()
        good_uids |= provisioned_uids

        def datasource_ok(ds: object, good: set[str] = good_uids) -> bool:
            return (
                isinstance(ds, dict)
                and ds.get("type") == "prometheus"
                and ds.get("uid") in good
            )

        for vname, var in variables.items():
            if var.get("type") != "query":
                continue
            if not datasource_ok(var.get("datasource")):
                errors.append(
                    f"{name}: variable {vname}: data source is not the Prometheus one"
                )
            query = var.get("query")
            query = query.get("query", "") if isinstance(query, dict) else (query or "")
            m = re.fullmatch(r"\s*label_values\(\s*(.*?)\s*,\s*(\w+)\s*\)\s*", query)
            if m:
                errors += cat.check(
                    f"{name}: variable {vname}", f"sum by ({m.group(2)}) ({m.group(1)})"
                )
            elif query.strip():
                errors += cat.check(f"{name}: variable {vname}", query)

        panels: list[dict] = []
        for panel in dash.get("panels", []):
            panels.append(panel)
            panels.extend(panel.get("panels", []))  # collapsed rows hold their panels
        ids: dict[object, str] = {}
        for panel in panels:
            title = panel.get("title") or ""
            label = f"{name}: panel {panel.get('id')} {title!r}"
            pid = panel.get("id")
            if not isinstance(pid, int):
                errors.append(f"{label}: id is not an integer")
            elif pid in ids:
                errors.append(f"{label}: id {pid} also used by {ids[pid]!r}")
            else:
                ids[pid] = title
            if not title.strip():
                errors.append(f"{label}: no title")
            grid = panel.get("gridPos") or {}
            if not all(isinstance(grid.get(k), int) for k in ("h", "w", "x", "y")):
                errors.append(f"{label}: gridPos needs integer h, w, x, y")
            elif grid["x"] + grid["w"] > 24:
                errors.append(f"{label}: gridPos wider than the 24 columns")
            if panel.get("type") == "row":
                continue
            counted += 1
            if not datasource_ok(panel.get("datasource")):
                errors.append(
                    f"{label}: data source is not the Prometheus one "
                    f"(want uid ${{datasource}} or {sorted(provisioned_uids)})"
                )
            if not ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit"):
                errors.append(f"{label}: no unit (fieldConfig.defaults.unit)")
            targets = panel.get("targets") or []
            if not targets:
                errors.append(f"{label}: no targets")
            refs: set[str] = set()
            for target in targets:
                ref = target.get("refId", "")
                if not ref or ref in refs:
                    errors.append(f"{label}: target refId {ref!r} missing or repeated")
                refs.add(ref)
                if "datasource" in target and not datasource_ok(target["datasource"]):
                    errors.append(
                        f"{label}: target {ref}: data source is not the Prometheus one"
                    )
                expr = target.get("expr") or ""
                if not expr.strip():
                    errors.append(f"{label}: target {ref} has no expr")
                    continue
                errors += cat.check(f"{label} {ref}", expr)
    summary = f"{len(files)} dashboard(s), {counted} panels"
    return errors, summary


def check_rules(
    cat: Catalogue, rules_path: str, tests_path: str
) -> tuple[list[str], str]:
    import yaml

    errors: list[str] = []
    with open(rules_path, encoding="utf-8") as handle:
        rules = yaml.safe_load(handle) or {}
    alerts: list[str] = []
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            name = rule.get("alert") or rule.get("record") or "?"
            where = f"{os.path.relpath(rules_path)}: {name}"
            errors += cat.check(where, rule.get("expr", ""))
            if "alert" not in rule:
                continue
            alerts.append(name)
            if not rule.get("for"):
                errors.append(f"{where}: no `for:`")
            if (rule.get("labels") or {}).get("severity") not in (
                "critical",
                "warning",
                "info",
            ):
                errors.append(
                    f"{where}: severity label must be critical, warning or info"
                )
            notes = rule.get("annotations") or {}
            errors += [
                f"{where}: no {a} annotation"
                for a in ("summary", "description")
                if not notes.get(a)
            ]
    if len(set(alerts)) != len(alerts):
        errors.append(f"{os.path.relpath(rules_path)}: an alert name is used twice")

    with open(tests_path, encoding="utf-8") as handle:
        tests = yaml.safe_load(handle) or {}
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in tests.get("tests", []):
        where = f"{os.path.relpath(tests_path)}: {case.get('name', '?')}"
        for series in case.get("input_series", []):
            errors += cat.check(where, series.get("series", ""))
        for test in case.get("alert_rule_test", []):
            name = test.get("alertname", "")
            if name not in alerts:
                errors.append(
                    f"{where}: tests {name}, which alerts.yml does not define"
                )
            (firing if test.get("exp_alerts") else quiet).add(name)
    for name in alerts:
        if name not in firing:
            errors.append(f"{os.path.relpath(tests_path)}: no case where {name} fires")
        if name not in quiet:
            errors.append(
                f"{os.path.relpath(tests_path)}: no case where {name} stays quiet"
            )
    return errors, f"{len(alerts)} alerts, each tested firing and quiet"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rules", action="store_true", help="check the alert rules instead"
    )
    parser.add_argument("--dashboards", default="deploy/grafana/dashboards")
    parser.add_argument(
        "--datasources", default="deploy/grafana/provisioning/datasources"
    )
    parser.add_argument("--providers", default="deploy/grafana/provisioning/dashboards")
    parser.add_argument("--rule-file", default="deploy/prometheus/alerts.yml")
    parser.add_argument("--rule-tests", default="deploy/prometheus/alerts.test.yml")
    args = parser.parse_args()
    cat = Catalogue()
    if args.rules:
        errors, summary = check_rules(cat, args.rule_file, args.rule_tests)
    else:
        errors, summary = check_dashboards(
            cat, args.dashboards, args.datasources, args.providers
        )
    if errors:
        print("\n".join(dict.fromkeys(errors)))  # once each, in order
        return 1
    note = ""
    if cat.used_announced:
        note = (
            f"; announced, not yet in the code: {', '.join(sorted(cat.used_announced))}"
        )
    print(
        f"{summary}; every metric and label known "
        f"({len(cat.code)} series names from the code){note}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
