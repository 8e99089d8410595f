"""Queue worker: records each job that arrives on the SQS queue in DynamoDB.

Lambda's event source mapping polls the queue and calls `handler` with a
batch of up to `batch_size` messages. Each message body is a JSON object
`{"id": "<job id>", "task": "<what to do>"}`. The handler reports the
messages it could not process in `batchItemFailures` (the mapping has
`ReportBatchItemFailures`), so only those return to the queue; after
`maxReceiveCount` failed receives SQS moves a message to the dead-letter
queue, where an alarm fires.

DynamoDB calls, and so the IAM actions the role grants (keep them in step
with `TABLE_ACTIONS` in `src/stack.rs`):
    PutItem     the first delivery of a job creates its item
    UpdateItem  a later delivery of the same job id counts it

The handler is deterministic: it stores what the message carries (its id
and SQS's `SentTimestamp`), never the clock.
"""

import json
import logging
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

logger = logging.getLogger("worker")
_level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
logger.setLevel(_level if _level in logging.getLevelNamesMapping() else logging.INFO)

MAX_ID_CHARS = 256
MAX_TASK_CHARS = 4096

_table = None


class InvalidMessage(ValueError):
    """A body no retry can fix: it fails until SQS dead-letters it."""


def reset_clients():
    """Forget the cached table (tests switch accounts and tables)."""
    global _table
    _table = None


def get_table():
    global _table
    if _table is None:
        name = os.environ.get("TABLE_NAME")
        if not name:
            raise RuntimeError("TABLE_NAME is not set")
        # Fail fast inside the function's timeout; the message is retried.
        config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
        _table = boto3.resource("dynamodb", config=config).Table(name)
    return _table


def parse(body):
    """The job of a message body, or InvalidMessage."""
    try:
        job = json.loads(body)
    except (TypeError, ValueError) as e:
        raise InvalidMessage(f"body is not JSON: {e}") from None
    if not isinstance(job, dict):
        raise InvalidMessage("body is not a JSON object")
    job_id, task = job.get("id"), job.get("task")
    if not isinstance(job_id, str) or not 0 < len(job_id) <= MAX_ID_CHARS:
        raise InvalidMessage(f"`id` must be a string of 1 to {MAX_ID_CHARS} characters")
    if not isinstance(task, str) or not 0 < len(task) <= MAX_TASK_CHARS:
        raise InvalidMessage(f"`task` must be a string of 1 to {MAX_TASK_CHARS} characters")
    return job_id, task


def record_job(record):
    """Writes the job of one SQS record: created once, counted on every delivery."""
    job_id, task = parse(record.get("body"))
    message_id = record["messageId"]
    sent = int(record.get("attributes", {}).get("SentTimestamp", "0"))
    table = get_table()
    try:
        table.put_item(
            Item={"id": job_id, "task": task, "message_id": message_id, "sent_at_ms": sent, "deliveries": 1},
            ConditionExpression="attribute_not_exists(id)",
        )
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        # The same job again (a producer retry, or SQS's at-least-once delivery).
        table.update_item(
            Key={"id": job_id},
            UpdateExpression="SET last_message_id = :m ADD deliveries :one",
            ExpressionAttributeValues={":m": message_id, ":one": 1},
        )


def handler(event, context):
    """Processes a batch; returns the ids of the messages to retry."""
    failures = []
    for record in event.get("Records", []):
        try:
            record_job(record)
        except InvalidMessage as e:
            logger.warning("invalid message %s: %s", record.get("messageId"), e)
            failures.append({"itemIdentifier": record["messageId"]})
        except Exception:
            logger.exception("message %s failed", record.get("messageId"))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
