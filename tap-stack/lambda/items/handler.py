"""Items API: a Lambda behind an API Gateway REST (v1) proxy integration.

Routes
    GET    /health        liveness check, never touches DynamoDB
    GET    /items         list items, paginated with ?limit= and ?next_token=
    POST   /items         create an item
    GET    /items/{id}    read one item
    PUT    /items/{id}    replace an item, guarded by its current `version`
    DELETE /items/{id}    delete an item, optionally guarded by ?version=

Every error is JSON: {"error": {"code": "...", "message": "..."}}.
Client input must only ever produce 4xx; 5xx means a server-side fault.
"""

import base64
import binascii
import json
import logging
import os
import re
import time
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

logger = logging.getLogger("items")
_level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
# An unknown LOG_LEVEL must not stop the function from importing.
logger.setLevel(_level if _level in logging.getLevelNamesMapping() else logging.INFO)

MAX_BODY_BYTES = 16 * 1024
MAX_NAME_CHARS = 256
MAX_DESCRIPTION_CHARS = 4096
# DynamoDB numbers hold 38 digits; capping at 2**53 - 1 also keeps values
# exact for JavaScript clients.
MAX_INT = 2**53 - 1
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_TOKEN_CHARS = 1024
CREATE_FIELDS = frozenset({"name", "description", "quantity"})
UPDATE_FIELDS = CREATE_FIELDS | {"version"}
# Always used with fullmatch: "$" would also accept a trailing newline.
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
BASE_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


class ApiError(Exception):
    """A failure to report to the client as-is."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


class ConfigurationError(RuntimeError):
    """The function is deployed without the settings it needs."""


# --- DynamoDB access -------------------------------------------------------
# Created on first use and kept for the life of the container, so warm
# invocations reuse connections. Tests call reset_clients() so that each
# test builds a fresh resource inside its own moto mock.
_table = None


def reset_clients():
    global _table
    _table = None


def get_table():
    global _table
    if _table is None:
        name = os.environ.get("TABLE_NAME", "").strip()
        if not name:
            raise ConfigurationError(
                "TABLE_NAME environment variable must be set to the DynamoDB table name"
            )
        config = Config(retries={"mode": "standard", "max_attempts": 3},
                        connect_timeout=2, read_timeout=5)
        _table = boto3.resource("dynamodb", config=config).Table(name)
    return _table


def _is_condition_failure(err):
    return err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _item_exists(item_id):
    resp = get_table().get_item(Key={"id": item_id}, ConsistentRead=True)
    return "Item" in resp


def _not_found(item_id):
    return ApiError(404, "item_not_found", f"No item exists with id '{item_id}'.")


def _conflict(expected):
    return ApiError(409, "version_conflict",
                    f"Field 'version' is stale: the item is no longer at version {expected}; "
                    "read it again and retry with the current version.")


# --- Responses --------------------------------------------------------------
def _json_default(value):
    # DynamoDB returns every number as Decimal; this API only stores integers.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Cannot serialize {type(value).__name__}")


def respond(status, payload=None, headers=None):
    body = "" if payload is None else json.dumps(payload, default=_json_default)
    return {"statusCode": status, "headers": {**BASE_HEADERS, **(headers or {})},
            "body": body, "isBase64Encoded": False}


def error_response(err):
    return respond(err.status, {"error": {"code": err.code, "message": err.message}}, err.headers)


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- Request parsing --------------------------------------------------------
def _header(event, name):
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _base_path(event):
    # requestContext.path carries the stage or custom-domain prefix that
    # `path` lacks; a Location header must include it to be followable.
    full = (event.get("requestContext") or {}).get("path") or ""
    path = event.get("path") or ""
    return full[: -len(path)] if path and full.endswith(path) else ""


def _query(event, name):
    return (event.get("queryStringParameters") or {}).get(name)


def _reject_json_constant(token):
    raise ValueError(f"{token} is not valid JSON")


def parse_json_body(event):
    """Return the request body as a dict, or raise a 4xx ApiError."""
    raw = event.get("body")
    if raw is None or raw == "":
        raise ApiError(400, "validation_error", "The request body must be a JSON object.")
    if not isinstance(raw, str):
        raise ApiError(400, "invalid_json", "The request body must be valid UTF-8 encoded JSON.")
    is_b64 = bool(event.get("isBase64Encoded"))
    # Refuse oversize bodies before doing any work on them.
    limit = (MAX_BODY_BYTES + 2) // 3 * 4 if is_b64 else MAX_BODY_BYTES
    if len(raw.encode("utf-8", "surrogatepass")) > limit:
        raise _too_large()
    media_type = (_header(event, "content-type") or "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       "Header 'Content-Type' must be 'application/json' when a body is sent.")
    if is_b64:
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "invalid_json",
                           "The request body is marked base64-encoded but is not valid base64.")
        if len(data) > MAX_BODY_BYTES:
            raise _too_large()
    else:
        # surrogatepass: a stray surrogate turns into invalid UTF-8 that the
        # decode below rejects as a 400 instead of crashing here.
        data = raw.encode("utf-8", "surrogatepass")
    try:
        body = json.loads(data.decode("utf-8"), parse_constant=_reject_json_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiError(400, "invalid_json", "The request body must be valid UTF-8 encoded JSON.")
    if not isinstance(body, dict):
        raise ApiError(400, "validation_error", "The request body must be a JSON object.")
    return body


def _too_large():
    return ApiError(413, "payload_too_large",
                    f"The request body must be at most {MAX_BODY_BYTES} bytes.")


def _invalid(message):
    return ApiError(400, "validation_error", message)


def parse_item_id(raw):
    if not isinstance(raw, str) or not UUID_RE.fullmatch(raw):
        raise _invalid("Path parameter 'id' must be a UUID such as "
                       "'123e4567-e89b-42d3-a456-426614174000'.")
    return raw.lower()  # ids are stored in canonical lower case


# --- Validation, one function per contract ----------------------------------
def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_text(body, field, max_chars, required):
    if field not in body and not required:
        return None
    value = body.get(field)
    rule = ("a non-empty string" if required else "a string") + f" of at most {max_chars} characters"
    if not isinstance(value, str) or len(value) > max_chars:
        raise _invalid(f"Field '{field}' must be {rule}.")
    try:
        value.encode("utf-8")  # lone surrogates cannot be stored
    except UnicodeEncodeError:
        raise _invalid(f"Field '{field}' must be {rule} of valid Unicode text.")
    if required and not value.strip():
        raise _invalid(f"Field '{field}' must be {rule}, not blank.")
    return value.strip() if required else value


def _check_unknown(body, allowed):
    unknown = sorted(set(body) - allowed)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise _invalid(f"Unknown field(s) {names}; accepted fields are "
                       f"{', '.join(sorted(allowed))}.")


def validate_item_fields(body, allowed):
    """Validate the client-writable item fields; return them cleaned."""
    _check_unknown(body, allowed)
    fields = {"name": _check_text(body, "name", MAX_NAME_CHARS, required=True)}
    description = _check_text(body, "description", MAX_DESCRIPTION_CHARS, required=False)
    if description is not None:
        fields["description"] = description
    if "quantity" in body:
        quantity = body["quantity"]
        if not _is_int(quantity) or not 0 <= quantity <= MAX_INT:
            raise _invalid(f"Field 'quantity' must be an integer from 0 to {MAX_INT}.")
        fields["quantity"] = quantity
    return fields


def validate_create(body):
    if "version" in body:
        raise _invalid("Field 'version' is set by the server and must be omitted on create.")
    return validate_item_fields(body, CREATE_FIELDS)


def validate_update(body):
    fields = validate_item_fields(body, UPDATE_FIELDS)
    version = body.get("version")
    if not _is_int(version) or not 1 <= version <= MAX_INT:
        raise _invalid("Field 'version' is required and must be the integer version "
                       "last read for this item (1 or more).")
    return fields, version


def validate_list_params(event):
    raw_limit = _query(event, "limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not re.fullmatch(r"[0-9]{1,3}", raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise _invalid(f"Query parameter 'limit' must be an integer from 1 to {MAX_LIMIT}.")
        limit = int(raw_limit)
    token = _query(event, "next_token")
    start_key = decode_token(token) if token is not None else None
    return limit, start_key


def encode_token(last_key):
    raw = json.dumps(last_key, default=_json_default, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token):
    bad = _invalid("Query parameter 'next_token' must be a token returned by a previous "
                   "list response.")
    if len(token) > MAX_TOKEN_CHARS or not TOKEN_RE.fullmatch(token):
        raise bad
    try:
        key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        raise bad
    # Only a key this API could have produced may reach DynamoDB.
    if not isinstance(key, dict) or set(key) != {"id"} or not isinstance(key["id"], str) \
            or not UUID_RE.fullmatch(key["id"]):
        raise bad
    return key


# --- Route handlers ---------------------------------------------------------
def health(event, item_id):
    return respond(200, {"status": "ok"})


def list_items(event, item_id):
    limit, start_key = validate_list_params(event)
    kwargs = {"Limit": limit}
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    resp = get_table().scan(**kwargs)
    last_key = resp.get("LastEvaluatedKey")
    return respond(200, {"items": resp.get("Items", []),
                         "next_token": encode_token(last_key) if last_key else None})


def create_item(event, item_id):
    fields = validate_create(parse_json_body(event))
    now = _now()
    item = {**fields, "id": str(uuid.uuid4()), "version": 1, "created_at": now, "updated_at": now}
    # The condition guards against the (astronomically unlikely) uuid clash.
    get_table().put_item(Item=item, ConditionExpression="attribute_not_exists(#id)",
                         ExpressionAttributeNames={"#id": "id"})
    return respond(201, item, {"Location": f"{_base_path(event)}/items/{item['id']}"})


def get_item(event, item_id):
    resp = get_table().get_item(Key={"id": item_id})
    if "Item" not in resp:
        raise _not_found(item_id)
    return respond(200, resp["Item"])


def update_item(event, item_id):
    fields, expected = validate_update(parse_json_body(event))
    names = {"#id": "id", "#version": "version", "#updated_at": "updated_at"}
    values = {":expected": expected, ":next": expected + 1, ":now": _now()}
    sets = ["#version = :next", "#updated_at = :now"]
    removes = []
    for field in ("name", "description", "quantity"):
        names[f"#{field}"] = field
        if field in fields:  # PUT replaces: omitted optional fields are removed
            sets.append(f"#{field} = :{field}")
            values[f":{field}"] = fields[field]
        else:
            removes.append(f"#{field}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    try:
        resp = get_table().update_item(
            Key={"id": item_id}, UpdateExpression=expression,
            ConditionExpression="attribute_exists(#id) AND #version = :expected",
            ExpressionAttributeNames=names, ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW")
    except ClientError as err:
        if not _is_condition_failure(err):
            raise
        raise _conflict(expected) if _item_exists(item_id) else _not_found(item_id)
    return respond(200, resp["Attributes"])


def delete_item(event, item_id):
    raw_version = _query(event, "version")
    names = {"#id": "id"}
    kwargs = {"Key": {"id": item_id}, "ConditionExpression": "attribute_exists(#id)",
              "ExpressionAttributeNames": names}
    if raw_version is not None:
        if not re.fullmatch(r"[0-9]{1,16}", raw_version) or not 1 <= int(raw_version) <= MAX_INT:
            raise _invalid("Query parameter 'version' must be an integer of 1 or more.")
        kwargs["ConditionExpression"] += " AND #version = :expected"
        names["#version"] = "version"
        kwargs["ExpressionAttributeValues"] = {":expected": int(raw_version)}
    try:
        get_table().delete_item(**kwargs)
    except ClientError as err:
        if not _is_condition_failure(err):
            raise
        if raw_version is not None and _item_exists(item_id):
            raise _conflict(int(raw_version))
        raise _not_found(item_id)
    return respond(204)


# --- Routing ----------------------------------------------------------------
# (path pattern, route label used in logs, {method: handler})
ROUTES = [
    (re.compile(r"/health"), "/health", {"GET": health}),
    (re.compile(r"/items"), "/items", {"GET": list_items, "POST": create_item}),
    (re.compile(r"/items/(?P<id>[^/]+)"), "/items/{id}",
     {"GET": get_item, "PUT": update_item, "DELETE": delete_item}),
]


def match_route(path):
    """Return (route label, {method: handler}, raw id) or Nones."""
    for pattern, label, methods in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return label, methods, match.groupdict().get("id")
    return None, None, None


def dispatch(event, path, label, methods, raw_id):
    if methods is None:
        raise ApiError(404, "route_not_found", f"No route matches path '{path}'.")
    method = event.get("httpMethod") or ""
    if method not in methods:
        allow = ", ".join(sorted(methods))
        raise ApiError(405, "method_not_allowed",
                       f"Method '{method}' is not allowed on {label}; allowed: {allow}.",
                       {"Allow": allow})
    item_id = parse_item_id(raw_id) if raw_id is not None else None
    return methods[method](event, item_id)


def handler(event, context):
    started = time.monotonic()
    event = event if isinstance(event, dict) else {}
    path = event.get("path")
    path = (path if isinstance(path, str) else "").rstrip("/") or "/"
    label, methods, raw_id = match_route(path)
    try:
        response = dispatch(event, path, label, methods, raw_id)
    except ApiError as err:
        response = error_response(err)
    except Exception:
        # Details stay in the logs; the client only learns that we failed.
        logger.exception("Unhandled error while processing request")
        response = error_response(ApiError(500, "internal_error",
                                           "The server failed to process the request."))
    logger.info("request", extra={
        "method": event.get("httpMethod"),
        "route": label or "unmatched",
        "path": event.get("path"),
        "status": response["statusCode"],
        "request_id": (event.get("requestContext") or {}).get("requestId"),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    })
    return response
