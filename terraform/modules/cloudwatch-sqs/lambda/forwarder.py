"""CloudWatch Logs subscription -> SQS forwarder for trailrouter.

Puts the invocation event, unchanged, on the queue: {"awslogs": {"data": "<base64 gzip payload>"}}, the format
trailrouter's decode-cloudwatch route reads (docs/cloudwatch-forwarder.md). On a FIFO queue the message group is the
payload's log stream (events of one stream stay in order) and the deduplication id a hash of the data (a Lambda retry
does not duplicate the message). Any error is raised: Lambda retries the invocation.
"""
import base64
import gzip
import hashlib
import json
import os

import boto3

_sqs = boto3.client("sqs")


def _log_stream(data):
    try:
        return json.loads(gzip.decompress(base64.b64decode(data))).get("logStream") or "cloudwatch"
    except (ValueError, OSError):
        return "cloudwatch"


def handler(event, context):
    data = event["awslogs"]["data"]
    queue_url = os.environ["QUEUE_URL"]
    message = {"QueueUrl": queue_url, "MessageBody": json.dumps({"awslogs": {"data": data}})}
    if queue_url.endswith(".fifo"):
        message["MessageGroupId"] = _log_stream(data)[:128]
        message["MessageDeduplicationId"] = hashlib.sha256(data.encode("ascii")).hexdigest()
    response = _sqs.send_message(**message)
    return {"messageId": response["MessageId"]}
