import pytest
from botocore.exceptions import ClientError

import handler as worker
from conftest import record


def test_a_job_is_recorded_once_with_what_the_message_carries(table):
    result = worker.handler({"Records": [record("m-1", {"id": "job-1", "task": "resize"}, sent="1700000000123")]}, None)
    assert result == {"batchItemFailures": []}
    item = table.get_item(Key={"id": "job-1"})["Item"]
    assert item == {"id": "job-1", "task": "resize", "message_id": "m-1", "sent_at_ms": 1700000000123, "deliveries": 1}


def test_a_second_delivery_of_a_job_is_counted_not_overwritten(table):
    worker.handler({"Records": [record("m-1", {"id": "job-1", "task": "resize"})]}, None)
    result = worker.handler({"Records": [record("m-2", {"id": "job-1", "task": "something else"})]}, None)
    assert result == {"batchItemFailures": []}
    item = table.get_item(Key={"id": "job-1"})["Item"]
    assert (item["task"], item["message_id"], item["last_message_id"], item["deliveries"]) == ("resize", "m-1", "m-2", 2)


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", {"task": "no id"}, {"id": "", "task": "t"}, {"id": "x" * 257, "task": "t"}, {"id": "j", "task": 3}],
)
def test_only_the_invalid_messages_of_a_batch_are_reported(table, body):
    batch = [record("ok-1", {"id": "a", "task": "t"}), record("bad", body), record("ok-2", {"id": "b", "task": "t"})]
    assert worker.handler({"Records": batch}, None) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert {i["id"] for i in table.scan()["Items"]} == {"a", "b"}


def test_a_dynamodb_failure_returns_the_message_to_the_queue(table, monkeypatch):
    def refuse(**_):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem")

    monkeypatch.setattr(worker.get_table(), "put_item", refuse)
    result = worker.handler({"Records": [record("m-1", {"id": "job-1", "task": "t"})]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_an_empty_batch_reports_nothing(table):
    assert worker.handler({"Records": []}, None) == {"batchItemFailures": []}
