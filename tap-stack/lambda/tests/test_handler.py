import base64
import importlib
import json
import logging
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

import handler as app

UNKNOWN_ID = "0b5e2f7c-3c1a-4d7e-9a51-6f0f1d2c3b4a"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
JSON_CT = {"Content-Type": "application/json"}


def token_for(obj):
    raw = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def assert_error(resp, status, code):
    assert resp.status == status, resp.text
    assert resp.json == {"error": {"code": code, "message": resp.json["error"]["message"]}}
    assert resp.headers["Content-Type"] == "application/json"
    return resp.json["error"]["message"]


# --- health -----------------------------------------------------------------
def test_health_ok_without_dynamodb(monkeypatch, bare_client):
    monkeypatch.delenv("TABLE_NAME")
    monkeypatch.setattr(app, "get_table", lambda: pytest.fail("health touched DynamoDB"))
    resp = bare_client.get("/health")
    assert resp.status == 200
    assert resp.json == {"status": "ok"}
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Content-Type"] == "application/json"


# --- create -----------------------------------------------------------------
def test_create_sets_server_fields_and_location(client, table):
    resp = client.post("/items", {"name": "  bolt  ", "description": "M6", "quantity": 40})
    assert resp.status == 201
    item = resp.json
    assert uuid.UUID(item["id"]).version == 4
    assert item["name"] == "bolt"  # trimmed
    assert item["description"] == "M6" and item["quantity"] == 40
    assert item["version"] == 1
    assert ISO_Z.match(item["created_at"]) and item["created_at"] == item["updated_at"]
    assert resp.headers["Location"] == f"/prod/items/{item['id']}"
    assert resp.headers["Cache-Control"] == "no-store"
    stored = table.get_item(Key={"id": item["id"]})["Item"]
    assert stored["quantity"] == Decimal(40) and stored["name"] == "bolt"


def test_create_minimal_and_boundaries(client):
    item = client.create(name="n" * 256, description="d" * 4096, quantity=0)
    assert len(item["name"]) == 256 and item["quantity"] == 0
    minimal = client.create()
    assert set(minimal) == {"id", "name", "version", "created_at", "updated_at"}
    assert client.create(description="")["description"] == ""


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON",
    " application/json ;charset=UTF-8",
])
def test_create_accepts_json_content_types(client, content_type):
    resp = client.post("/items", body='{"name": "x"}', headers={"content-type": content_type})
    assert resp.status == 201, resp.text


def test_create_base64_body(client):
    resp = client.post("/items", body='{"name": "encoded \u00e9"}', headers=JSON_CT, b64=True)
    assert resp.status == 201, resp.text
    assert resp.json["name"] == "encoded \u00e9"


# --- read -------------------------------------------------------------------
def test_get_item(client):
    created = client.create(quantity=7)
    resp = client.get(f"/items/{created['id']}")
    assert resp.status == 200
    assert resp.json == created
    assert '"quantity": 7' in resp.text and '"version": 1' in resp.text  # Decimal -> int
    # Ids are case-insensitive UUIDs; trailing slashes are tolerated.
    assert client.get(f"/items/{created['id'].upper()}/").json == created


def test_get_unknown_and_malformed_id(client):
    assert "0b5e2f7c" in assert_error(client.get(f"/items/{UNKNOWN_ID}"), 404, "item_not_found")
    assert "'id'" in assert_error(client.get("/items/not-a-uuid"), 400, "validation_error")


# --- list -------------------------------------------------------------------
def test_list_empty(client):
    resp = client.get("/items")
    assert resp.status == 200
    assert resp.json == {"items": [], "next_token": None}


def test_list_default_limit_is_20(client):
    for i in range(23):
        client.create(name=f"item {i}")
    first = client.get("/items").json
    assert len(first["items"]) == 20 and first["next_token"]
    second = client.get("/items", query={"next_token": first["next_token"]}).json
    assert len(second["items"]) == 3 and second["next_token"] is None


def test_list_paginates_across_pages(client):
    created = {client.create(name=f"item {i}", quantity=i)["id"] for i in range(7)}
    seen, pages, token = [], 0, None
    while True:
        query = {"limit": "3", **({"next_token": token} if token else {})}
        resp = client.get("/items", query=query)
        assert resp.status == 200, resp.text
        pages += 1
        assert len(resp.json["items"]) <= 3
        seen += [item["id"] for item in resp.json["items"]]
        token = resp.json["next_token"]
        if token is None:
            break
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # safe to put in a URL as-is
        assert pages < 10
    assert pages >= 3
    assert len(seen) == len(set(seen)) and set(seen) == created


def test_list_items_have_integer_quantities(client):
    client.create(quantity=12)
    resp = client.get("/items", query={"limit": "100"})
    assert resp.json["items"][0]["quantity"] == 12 and '"quantity": 12' in resp.text


# --- update -----------------------------------------------------------------
def test_update_replaces_fields_and_bumps_version(client):
    created = client.create(description="old", quantity=1)
    resp = client.put(f"/items/{created['id']}", {"name": "new", "quantity": 5, "version": 1})
    assert resp.status == 200, resp.text
    item = resp.json
    assert item["name"] == "new" and item["quantity"] == 5 and item["version"] == 2
    assert "description" not in item  # PUT replaces: omitted optional fields are removed
    assert item["created_at"] == created["created_at"]
    assert ISO_Z.match(item["updated_at"]) and item["updated_at"] >= created["updated_at"]
    assert client.get(f"/items/{created['id']}").json == item


def test_lost_update_is_rejected(client):
    item_id = client.create(name="original")["id"]
    alice = client.get(f"/items/{item_id}").json
    bob = client.get(f"/items/{item_id}").json
    assert alice["version"] == bob["version"] == 1

    first = client.put(f"/items/{item_id}", {"name": "alice", "version": alice["version"]})
    assert first.status == 200 and first.json["version"] == 2
    second = client.put(f"/items/{item_id}", {"name": "bob", "version": bob["version"]})
    assert "'version'" in assert_error(second, 409, "version_conflict")

    current = client.get(f"/items/{item_id}").json
    assert current["name"] == "alice" and current["version"] == 2
    # Re-reading and retrying with the current version succeeds.
    retry = client.put(f"/items/{item_id}", {"name": "bob", "version": current["version"]})
    assert retry.status == 200 and retry.json["version"] == 3


def test_update_unknown_item_is_404(client):
    resp = client.put(f"/items/{UNKNOWN_ID}", {"name": "x", "version": 1})
    assert_error(resp, 404, "item_not_found")


# --- delete -----------------------------------------------------------------
def test_delete(client):
    item_id = client.create()["id"]
    resp = client.delete(f"/items/{item_id}")
    assert resp.status == 204 and resp.text == ""
    assert resp.headers["Cache-Control"] == "no-store"
    assert_error(client.get(f"/items/{item_id}"), 404, "item_not_found")
    assert_error(client.delete(f"/items/{item_id}"), 404, "item_not_found")


def test_conditional_delete(client):
    item_id = client.create()["id"]
    client.put(f"/items/{item_id}", {"name": "v2", "version": 1})
    stale = client.delete(f"/items/{item_id}", query={"version": "1"})
    assert_error(stale, 409, "version_conflict")
    assert client.get(f"/items/{item_id}").status == 200
    assert client.delete(f"/items/{item_id}", query={"version": "2"}).status == 204
    gone = client.delete(f"/items/{item_id}", query={"version": "2"})
    assert_error(gone, 404, "item_not_found")


# --- routing ----------------------------------------------------------------
@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/items", "GET, POST"),
    ("PATCH", f"/items/{UNKNOWN_ID}", "DELETE, GET, PUT"),
    ("POST", f"/items/{UNKNOWN_ID}", "DELETE, GET, PUT"),
    ("POST", "/health", "GET"),
    ("OPTIONS", "/items", "GET, POST"),
])
def test_wrong_method_is_405_with_allow(client, method, path, allow):
    resp = client.request(method, path)
    assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == allow


@pytest.mark.parametrize("path", ["/", "/nope", "/items/x/y", "/healthz", "/Items", "/health\n"])
def test_unknown_route_is_404(client, path):
    assert_error(client.get(path), 404, "route_not_found")


# --- validation messages name the field -------------------------------------
@pytest.mark.parametrize("body, needle", [
    ({"name": 5}, "'name'"),
    ({"name": "   "}, "'name'"),
    ({"name": "x" * 257}, "256"),
    ({"name": "x", "quantity": True}, "'quantity'"),
    ({"name": "x", "description": 1}, "'description'"),
    ({"name": "x", "colour": "red", "size": 1}, "'colour', 'size'"),
    ({"name": "x", "version": 1}, "'version'"),
])
def test_validation_messages_name_the_field(client, body, needle):
    assert needle in assert_error(client.post("/items", body), 400, "validation_error")


# --- the invariant: bad client input is always a 4xx with the error shape ---
def _raw(body, **kw):
    return {"body": body, "headers": JSON_CT, **kw}


ITEM = f"/items/{UNKNOWN_ID}"
BAD_INPUTS = [
    # (case id, method, path, json body or raw kwargs, status, code)
    ("malformed-json", "POST", "/items", _raw('{"name": '), 400, "invalid_json"),
    ("trailing-garbage", "POST", "/items", _raw('{"name": "a"} x'), 400, "invalid_json"),
    ("nan", "POST", "/items", _raw('{"name": "a", "quantity": NaN}'), 400, "invalid_json"),
    ("infinity", "POST", "/items", _raw('{"name": "a", "quantity": Infinity}'), 400,
     "invalid_json"),
    ("huge-int-literal", "POST", "/items", _raw('{"name": "a", "quantity": ' + "9" * 5000 + "}"),
     400, "invalid_json"),
    ("deep-nesting", "POST", "/items", _raw("[" * 8000 + "]" * 8000), 400, "invalid_json"),
    ("top-level-array", "POST", "/items", _raw('[{"name": "a"}]'), 400, "validation_error"),
    ("top-level-string", "POST", "/items", _raw('"a"'), 400, "validation_error"),
    ("top-level-null", "POST", "/items", _raw("null"), 400, "validation_error"),
    ("empty-body", "POST", "/items", _raw(""), 400, "validation_error"),
    ("no-body", "POST", "/items", {"body": None}, 400, "validation_error"),
    ("missing-name", "POST", "/items", {"description": "x"}, 400, "validation_error"),
    ("empty-object", "POST", "/items", {}, 400, "validation_error"),
    ("name-number", "POST", "/items", {"name": 42}, 400, "validation_error"),
    ("name-null", "POST", "/items", {"name": None}, 400, "validation_error"),
    ("name-list", "POST", "/items", {"name": ["a"]}, 400, "validation_error"),
    ("name-empty", "POST", "/items", {"name": ""}, 400, "validation_error"),
    ("name-whitespace", "POST", "/items", {"name": " \t\n "}, 400, "validation_error"),
    ("name-257", "POST", "/items", {"name": "x" * 257}, 400, "validation_error"),
    ("name-lone-surrogate", "POST", "/items", _raw('{"name": "\\ud800"}'), 400,
     "validation_error"),
    ("description-4097", "POST", "/items", {"name": "a", "description": "d" * 4097}, 400,
     "validation_error"),
    ("description-number", "POST", "/items", {"name": "a", "description": 3}, 400,
     "validation_error"),
    ("description-null", "POST", "/items", {"name": "a", "description": None}, 400,
     "validation_error"),
    ("quantity-true", "POST", "/items", {"name": "a", "quantity": True}, 400, "validation_error"),
    ("quantity-false", "POST", "/items", {"name": "a", "quantity": False}, 400,
     "validation_error"),
    ("quantity-negative", "POST", "/items", {"name": "a", "quantity": -1}, 400,
     "validation_error"),
    ("quantity-float", "POST", "/items", {"name": "a", "quantity": 1.5}, 400, "validation_error"),
    ("quantity-float-integral", "POST", "/items", {"name": "a", "quantity": 3.0}, 400,
     "validation_error"),
    ("quantity-string", "POST", "/items", {"name": "a", "quantity": "3"}, 400,
     "validation_error"),
    ("quantity-null", "POST", "/items", {"name": "a", "quantity": None}, 400,
     "validation_error"),
    ("quantity-too-big", "POST", "/items", {"name": "a", "quantity": 10**40}, 400,
     "validation_error"),
    ("unknown-field", "POST", "/items", {"name": "a", "colour": "red"}, 400, "validation_error"),
    ("client-sets-id", "POST", "/items", {"name": "a", "id": UNKNOWN_ID}, 400,
     "validation_error"),
    ("version-on-create", "POST", "/items", {"name": "a", "version": 1}, 400,
     "validation_error"),
    ("oversized", "POST", "/items", {"name": "a", "description": "x" * 17000}, 413,
     "payload_too_large"),
    ("oversized-multibyte", "POST", "/items", _raw('{"name": "' + "\u00e9" * 8200 + '"}'), 413,
     "payload_too_large"),
    ("oversized-base64", "POST", "/items",
     _raw(base64.b64encode(b" " * 17000).decode(), isBase64Encoded=True), 413,
     "payload_too_large"),
    ("content-type-text", "POST", "/items",
     {"body": '{"name": "a"}', "headers": {"Content-Type": "text/plain"}}, 415,
     "unsupported_media_type"),
    ("content-type-missing", "POST", "/items", {"body": '{"name": "a"}', "headers": None}, 415,
     "unsupported_media_type"),
    ("content-type-jsonish", "POST", "/items",
     {"body": '{"name": "a"}', "headers": {"content-type": "application/json-patch+json"}}, 415,
     "unsupported_media_type"),
    ("content-type-form", "PUT", ITEM,
     {"body": "name=a", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415,
     "unsupported_media_type"),
    ("base64-invalid", "POST", "/items", _raw("!!not base64!!", isBase64Encoded=True), 400,
     "invalid_json"),
    ("base64-not-utf8", "POST", "/items",
     _raw(base64.b64encode(b"\xff\xfe\x00").decode(), isBase64Encoded=True), 400,
     "invalid_json"),
    ("base64-not-json", "POST", "/items",
     _raw(base64.b64encode(b"hello").decode(), isBase64Encoded=True), 400, "invalid_json"),
    ("limit-0", "GET", "/items", {"query": {"limit": "0"}}, 400, "validation_error"),
    ("limit-101", "GET", "/items", {"query": {"limit": "101"}}, 400, "validation_error"),
    ("limit-abc", "GET", "/items", {"query": {"limit": "abc"}}, 400, "validation_error"),
    ("limit-negative", "GET", "/items", {"query": {"limit": "-1"}}, 400, "validation_error"),
    ("limit-float", "GET", "/items", {"query": {"limit": "1.5"}}, 400, "validation_error"),
    ("limit-empty", "GET", "/items", {"query": {"limit": ""}}, 400, "validation_error"),
    ("limit-huge", "GET", "/items", {"query": {"limit": "9" * 5000}}, 400, "validation_error"),
    ("token-bad-chars", "GET", "/items", {"query": {"next_token": "!!!"}}, 400,
     "validation_error"),
    ("token-garbage", "GET", "/items", {"query": {"next_token": "abc"}}, 400,
     "validation_error"),
    ("token-empty", "GET", "/items", {"query": {"next_token": ""}}, 400, "validation_error"),
    ("token-not-json", "GET", "/items", {"query": {"next_token": token_for(b"hello")}}, 400,
     "validation_error"),
    ("token-list", "GET", "/items", {"query": {"next_token": token_for([1])}}, 400,
     "validation_error"),
    ("token-id-number", "GET", "/items", {"query": {"next_token": token_for({"id": 5})}}, 400,
     "validation_error"),
    ("token-id-not-uuid", "GET", "/items", {"query": {"next_token": token_for({"id": "x"})}},
     400, "validation_error"),
    ("token-extra-key", "GET", "/items",
     {"query": {"next_token": token_for({"id": UNKNOWN_ID, "x": 1})}}, 400, "validation_error"),
    ("token-too-long", "GET", "/items", {"query": {"next_token": "A" * 5000}}, 400,
     "validation_error"),
    ("id-malformed", "GET", "/items/abc", {}, 400, "validation_error"),
    ("id-numeric", "GET", "/items/12345", {}, 400, "validation_error"),
    ("id-uuid-suffix", "GET", f"/items/{UNKNOWN_ID}x", {}, 400, "validation_error"),
    ("id-braces", "GET", "/items/{" + UNKNOWN_ID + "}", {}, 400, "validation_error"),
    ("id-trailing-newline", "GET", f"/items/{UNKNOWN_ID}\n", {}, 400, "validation_error"),
    ("token-trailing-newline", "GET", "/items",
     {"query": {"next_token": token_for({"id": UNKNOWN_ID}) + "\n"}}, 400, "validation_error"),
    ("id-malformed-put", "PUT", "/items/abc", {"name": "a", "version": 1}, 400,
     "validation_error"),
    ("id-malformed-delete", "DELETE", "/items/abc", {}, 400, "validation_error"),
    ("get-not-found", "GET", ITEM, {}, 404, "item_not_found"),
    ("put-not-found", "PUT", ITEM, {"name": "a", "version": 1}, 404, "item_not_found"),
    ("delete-not-found", "DELETE", ITEM, {}, 404, "item_not_found"),
    ("delete-version-not-found", "DELETE", ITEM, {"query": {"version": "3"}}, 404,
     "item_not_found"),
    ("put-missing-version", "PUT", ITEM, {"name": "a"}, 400, "validation_error"),
    ("put-version-string", "PUT", ITEM, {"name": "a", "version": "1"}, 400, "validation_error"),
    ("put-version-zero", "PUT", ITEM, {"name": "a", "version": 0}, 400, "validation_error"),
    ("put-version-bool", "PUT", ITEM, {"name": "a", "version": True}, 400, "validation_error"),
    ("put-version-float", "PUT", ITEM, {"name": "a", "version": 1.0}, 400, "validation_error"),
    ("put-version-huge", "PUT", ITEM, {"name": "a", "version": 10**40}, 400,
     "validation_error"),
    ("put-missing-name", "PUT", ITEM, {"version": 1}, 400, "validation_error"),
    ("put-unknown-field", "PUT", ITEM, {"name": "a", "version": 1, "owner": "me"}, 400,
     "validation_error"),
    ("put-malformed-json", "PUT", ITEM, _raw("{"), 400, "invalid_json"),
    ("put-oversized", "PUT", ITEM, {"name": "a", "version": 1, "description": "x" * 20000},
     413, "payload_too_large"),
    ("delete-version-abc", "DELETE", ITEM, {"query": {"version": "abc"}}, 400,
     "validation_error"),
    ("delete-version-zero", "DELETE", ITEM, {"query": {"version": "0"}}, 400,
     "validation_error"),
    ("delete-version-huge", "DELETE", ITEM, {"query": {"version": "9" * 40}}, 400,
     "validation_error"),
    ("unknown-route", "GET", "/nope", {}, 404, "route_not_found"),
    ("unknown-nested-route", "POST", "/items/a/b", {"name": "a"}, 404, "route_not_found"),
    ("method-not-allowed", "PATCH", "/items", {"name": "a"}, 405, "method_not_allowed"),
    ("method-lowercase", "get", "/items", {}, 405, "method_not_allowed"),
]


RAW_KEYS = {"body", "headers", "query", "isBase64Encoded"}


@pytest.mark.parametrize("method, path, spec, status, code",
                         [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_client_input_is_4xx_with_error_shape(client, method, path, spec, status, code):
    if spec and set(spec) <= RAW_KEYS:  # an already-encoded request
        kw = dict(spec)
        resp = client.request(method, path, b64="raw" if kw.pop("isBase64Encoded", False)
                              else False, **kw)
    elif not spec and method.upper() in ("GET", "DELETE"):
        resp = client.request(method, path)
    else:
        resp = client.request(method, path, spec)
    assert 400 <= resp.status < 500, resp.text
    assert set(resp.json) == {"error"} and set(resp.json["error"]) == {"code", "message"}
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", resp.json["error"]["code"])
    message = resp.json["error"]["message"]
    assert isinstance(message, str) and message.endswith(".") and len(message) < 400
    assert resp.headers["Content-Type"] == "application/json"
    assert (resp.status, resp.json["error"]["code"]) == (status, code), message


# --- configuration and failure handling -------------------------------------
def test_missing_table_name_is_a_logged_500(client, monkeypatch, caplog):
    monkeypatch.delenv("TABLE_NAME")
    app.reset_clients()
    with pytest.raises(app.ConfigurationError, match="TABLE_NAME"):
        app.get_table()
    with caplog.at_level(logging.ERROR, logger="items"):
        resp = client.get("/items")
    message = assert_error(resp, 500, "internal_error")
    assert "TABLE_NAME" not in message
    assert any("TABLE_NAME" in (r.exc_text or "") for r in caplog.records)
    assert client.get("/health").status == 200


def test_unexpected_error_is_500_without_details(client, monkeypatch, caplog):
    class Exploding:
        def scan(self, **kwargs):
            raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app, "get_table", lambda: Exploding())
    with caplog.at_level(logging.ERROR, logger="items"):
        resp = client.get("/items")
    assert "secret" not in assert_error(resp, 500, "internal_error")
    assert "secret" not in resp.text
    assert any("secret internal detail" in (r.exc_text or "") for r in caplog.records)


def test_dynamodb_failure_is_500(client, table):
    table.delete()
    assert_error(client.get(f"/items/{UNKNOWN_ID}"), 500, "internal_error")


def test_table_resource_is_created_once(client):
    assert app.get_table() is app.get_table()
    app.reset_clients()
    assert app._table is None


def test_one_structured_log_line_per_request(client, caplog):
    item_id = client.create()["id"]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="items"):
        client.get(f"/items/{item_id}")
    lines = [r for r in caplog.records if r.getMessage() == "request"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.route, line.status) == ("GET", "/items/{id}", 200)
    assert uuid.UUID(line.request_id)
    assert line.duration_ms >= 0


@pytest.mark.parametrize("value, expected", [
    ("DEBUG", logging.DEBUG), ("warning", logging.WARNING), ("bogus", logging.INFO),
])
def test_log_level_env(monkeypatch, value, expected):
    monkeypatch.setenv("LOG_LEVEL", value)
    try:
        assert importlib.reload(app).logger.level == expected
    finally:
        monkeypatch.delenv("LOG_LEVEL")
        importlib.reload(app)


def test_decimal_serialization():
    body = app.respond(200, {"a": Decimal("3"), "b": Decimal("2.5")})["body"]
    assert json.loads(body) == {"a": 3, "b": 2.5} and '"a": 3,' in body


# --- the API Gateway request model ------------------------------------------
def test_schema_is_draft04_and_matches_handler_limits():
    schema = json.loads((Path(__file__).parents[1] / "item.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["required"] == ["name"]
    props = schema["properties"]
    assert set(props) == set(app.UPDATE_FIELDS)
    assert props["name"] == {"type": "string", "minLength": 1, "maxLength": app.MAX_NAME_CHARS}
    assert props["description"] == {"type": "string", "maxLength": app.MAX_DESCRIPTION_CHARS}
    assert props["quantity"] == {"type": "integer", "minimum": 0, "maximum": app.MAX_INT}
    assert props["version"] == {"type": "integer", "minimum": 1, "maximum": app.MAX_INT}
