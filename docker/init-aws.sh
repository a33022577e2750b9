#!/usr/bin/env bash
# compose.yaml's init step: creates the org-trail chain on the emulator (LocalStack, or moto with compose.moto.yaml)
# as in AWS (bucket → SNS → SQS with a DLQ) and uploads the bundled CloudTrail samples, gzipped as CloudTrail writes
# them.
set -euo pipefail

# the endpoint passed explicitly: aws-cli reads AWS_ENDPOINT_URL itself only from 2.13 on, and Debian bookworm's
# (compose.moto.yaml's init image) is 2.9
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }

aws s3api create-bucket --bucket demo-trail-bucket
DLQ_URL=$(aws sqs create-queue --queue-name demo-notifications-dlq --query QueueUrl --output text)
DLQ_ARN=$(aws sqs get-queue-attributes --queue-url "$DLQ_URL" --attribute-names QueueArn --query Attributes.QueueArn --output text)
cat > /tmp/queue-attributes.json <<JSON
{"VisibilityTimeout": "60",
 "RedrivePolicy": "{\"deadLetterTargetArn\":\"$DLQ_ARN\",\"maxReceiveCount\":\"5\"}"}
JSON
QUEUE_URL=$(aws sqs create-queue --queue-name demo-notifications --attributes file:///tmp/queue-attributes.json \
  --query QueueUrl --output text)
QUEUE_ARN=$(aws sqs get-queue-attributes --queue-url "$QUEUE_URL" --attribute-names QueueArn --query Attributes.QueueArn --output text)
TOPIC_ARN=$(aws sns create-topic --name demo-trail-notices --query TopicArn --output text)
aws sns subscribe --topic-arn "$TOPIC_ARN" --protocol sqs --notification-endpoint "$QUEUE_ARN"
cat > /tmp/notification.json <<JSON
{"TopicConfigurations": [{"TopicArn": "$TOPIC_ARN", "Events": ["s3:ObjectCreated:*"]}]}
JSON
aws s3api put-bucket-notification-configuration --bucket demo-trail-bucket --notification-configuration file:///tmp/notification.json

for sample in /samples/*.json; do
  name=$(basename "$sample")
  gzip -c "$sample" > "/tmp/$name.gz"
  aws s3 cp "/tmp/$name.gz" "s3://demo-trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-2/2024/01/01/$name.gz"
done
echo "chain ready: $QUEUE_URL"
