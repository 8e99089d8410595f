"""Fixtures: a moto-backed DynamoDB table and SQS-shaped records."""

import json
import sys

# worker/ is zipped and deployed as-is: keep __pycache__ out of it.
sys.dont_write_bytecode = True

import boto3
import pytest
from moto import mock_aws

import handler as worker  # noqa: E402  (after the bytecode switch)

TABLE = "qw-jobs-test"
REGION = "us-west-2"


@pytest.fixture
def table(monkeypatch):
    # Fake credentials so nothing can ever reach a real account.
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": TABLE,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    worker.reset_clients()
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    worker.reset_clients()


def record(message_id, body, sent="1700000000000"):
    """One SQS record as the event source mapping delivers it."""
    if not isinstance(body, str):
        body = json.dumps(body)
    return {"messageId": message_id, "body": body, "attributes": {"SentTimestamp": sent}, "eventSource": "aws:sqs"}
