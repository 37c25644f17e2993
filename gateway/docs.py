"""``/api/v1/docs``: a self-contained HTML page listing the API's operations.

flask-smorest's Swagger UI, ReDoc and RapiDoc pages load their JavaScript from a CDN,
which deployments may not reach (and must not depend on). This page is rendered on
the server from the same OpenAPI document, with no script and no external resource;
tools that want the full machine-readable description use ``openapi.json``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, render_template_string
from markupsafe import Markup, escape

from gateway.routes._common import API_PREFIX

METHOD_ORDER = ("get", "post", "put", "patch", "delete")

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ info.title }} {{ info.version }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}
.op{margin:1rem 0;padding:.5rem .8rem;border-left:4px solid #888;background:#f7f7f7}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;font-family:monospace}
.get{border-color:#2a7}.post{border-color:#27c}.delete{border-color:#c33}
code{font-size:90%}.auth{color:#a60;font-size:85%}.st{color:#555;font-size:85%}
</style></head><body>
<h1>{{ info.title }} <small>{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>Machine-readable description: <a href="{{ prefix }}/openapi.json">openapi.json</a>
(OpenAPI {{ openapi }}).</p>
{% for tag, ops in groups %}
<h2 id="{{ tag }}">{{ tag }}</h2>
{% if descriptions.get(tag) %}<p>{{ descriptions[tag] }}</p>{% endif %}
{% for op in ops %}
<div class="op {{ op.method }}">
<span class="m">{{ op.method|upper }}</span> <code>{{ op.path }}</code>
{% if op.secured %}<span class="auth">[Bearer token]</span>{% endif %}
<div><strong>{{ op.summary }}</strong></div>
{% if op.description %}<div>{{ op.description }}</div>{% endif %}
{% if op.parameters %}<div class="st">Parameters: {{ op.parameters|join(", ") }}</div>
{% endif %}{% if op.body %}<div class="st">Body: {{ op.body|join(", ") }}</div>
{% endif %}
<div class="st">Responses: {{ op.statuses|join(", ") }}</div>
</div>
{% endfor %}
{% endfor %}
</body></html>
"""


def operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Operations grouped by tag, in document order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHOD_ORDER:
            op = item.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append({
                "method": method, "path": path,
                "summary": _inline(op.get("summary", "")),
                "description": _inline(op.get("description", "")),
                "secured": bool(op.get("security")),
                "parameters": [_parameter(p, spec) for p in op.get("parameters", [])],
                "body": sorted(op.get("requestBody", {}).get("content", {})),
                "statuses": sorted(set(op.get("responses", {})) - {"default"}),
            })
    return list(groups.items())


def _inline(text: str) -> Markup:
    """Escape, then show `code` spans as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _parameter(parameter: dict[str, Any], spec: dict[str, Any]) -> str:
    if "$ref" in parameter:
        name = parameter["$ref"].rsplit("/", 1)[-1]
        parameter = spec.get("components", {}).get("parameters", {}).get(name, {})
    return f"{parameter.get('name', '?')} ({parameter.get('in', '?')})"


def init_app(app: Flask, api: Any) -> None:
    cache: dict[str, str] = {}

    @app.get(f"{API_PREFIX}/docs")
    def api_docs() -> Response:
        if "page" not in cache:
            spec = api.spec.to_dict()
            cache["page"] = render_template_string(
                PAGE, info=spec.get("info", {}), openapi=spec.get("openapi"),
                prefix=API_PREFIX, groups=operations(spec),
                descriptions={t["name"]: t.get("description", "")
                              for t in spec.get("tags", [])})
        response = Response(cache["page"], mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'")
        return response
