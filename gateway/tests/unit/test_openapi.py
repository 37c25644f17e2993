"""The OpenAPI document covers every route; the docs page is self-contained."""

from __future__ import annotations

import json
import re

import pytest

from gateway.app import create_app
from services.common.testing import make_settings

UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs", "/static/<path:filename>"}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_0-9]+)>", r"{\1}", rule)


def test_is_openapi_3_with_the_error_schema(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["description"]
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "details"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_is_documented(app, spec):
    for rule in app.url_map.iter_rules():
        if rule.rule in UNDOCUMENTED or rule.endpoint.startswith("web."):
            continue  # the public website's pages are not API routes
        path = openapi_path(rule.rule)
        assert path in spec["paths"], path
        for method in rule.methods & METHODS:
            assert method.lower() in spec["paths"][path], (method, path)


def test_every_operation_has_a_summary_and_documented_errors(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op.get("summary") and op.get("description"), (method, path)
            assert "default" in op["responses"], (method, path)
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_every_schema_field_is_described(spec):
    for name, schema in spec["components"]["schemas"].items():
        if name == "PaginationMetadata":  # flask-smorest's own, unused
            continue
        for field, prop in schema.get("properties", {}).items():
            described = prop.get("description") or "$ref" in prop or "allOf" in prop
            assert described, f"{name}.{field}"


def test_multipart_registration_documents_the_files(spec):
    body = spec["paths"]["/api/v1/penyedia"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = spec["components"]["schemas"][ref]["properties"]
    assert props["dokumen_akta"]["items"] == {"type": "string", "format": "binary"}
    assert "npwp" in props and "password" in props


def test_idempotent_operations_document_the_header(spec):
    op = spec["paths"]["/api/v1/agency"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in op["parameters"]
    assert spec["components"]["parameters"]["IdempotencyKey"]["in"] == "header"


def test_docs_page_lists_operations_without_external_resources(client, spec):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<script" not in html and "cdn" not in html.lower()
    assert not re.search(r'(src|href)="https?://', html)
    assert "/api/v1/penyedia/{penyedia_id}/verify" in html
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_test_clock_exists_only_in_test_deployments(tmp_path, fake_rpc):
    settings = make_settings(lpse_env="dev", var_dir=str(tmp_path))
    client = create_app(settings, rpc=fake_rpc).test_client()
    assert (
        client.post("/api/v1/_test/clock", json={"offset_seconds": 1}).status_code
        == 404
    )
    spec = client.get("/api/v1/openapi.json").get_json()
    assert not any(path.startswith("/api/v1/_test") for path in spec["paths"])
