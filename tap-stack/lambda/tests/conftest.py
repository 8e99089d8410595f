"""Fixtures: a moto-backed DynamoDB table and a tiny API Gateway event client."""

import base64
import json
import sys
import uuid

# items/ is zipped and deployed as-is: keep __pycache__ out of it.
sys.dont_write_bytecode = True

import boto3
import pytest
from moto import mock_aws

import handler as app  # noqa: E402  (after the bytecode switch)

TABLE = "tap-items-test"
REGION = "us-west-2"


@pytest.fixture
def aws_env(monkeypatch):
    # Fake credentials so nothing can ever reach a real account.
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "TABLE_NAME": TABLE,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    app.reset_clients()
    yield
    app.reset_clients()


@pytest.fixture
def table(aws_env):
    with mock_aws():
        ddb = boto3.resource("dynamodb", region_name=REGION)
        tbl = ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        tbl.wait_until_exists()
        yield tbl


class Response:
    def __init__(self, raw):
        self.raw = raw
        self.status = raw["statusCode"]
        self.headers = raw["headers"]
        self.text = raw["body"]
        self.json = json.loads(raw["body"]) if raw["body"] else None


_UNSET = object()


class Client:
    """Builds REST API (v1) proxy events and invokes the handler."""

    def request(self, method, path, json_body=_UNSET, *, body=None, headers=None,
                query=None, b64=False, resource=None):
        if json_body is not _UNSET:
            body = json.dumps(json_body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        # b64=True encodes the body here; b64="raw" sends an already-encoded one.
        if b64 is True and body is not None:
            raw = body.encode() if isinstance(body, str) else body
            body = base64.b64encode(raw).decode()
        event = {
            "resource": resource or path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": None,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "stageVariables": None,
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "stage": "prod",
                "path": "/prod" + path,
                "httpMethod": method,
            },
            "body": body,
            "isBase64Encoded": bool(b64),
        }
        return Response(app.handler(event, None))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=_UNSET, **kw):
        return self.request("POST", path, json_body, **kw)

    def put(self, path, json_body=_UNSET, **kw):
        return self.request("PUT", path, json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create(self, **fields):
        resp = self.post("/items", {"name": "widget", **fields})
        assert resp.status == 201, resp.text
        return resp.json


@pytest.fixture
def client(table):
    return Client()


@pytest.fixture
def bare_client(aws_env):
    """A client with no DynamoDB mock at all: any AWS call would fail."""
    return Client()
