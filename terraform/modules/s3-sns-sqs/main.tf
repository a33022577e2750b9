# CloudTrail → S3 → bucket notification → SNS → SQS (+ DLQ), encrypted with a KMS key, and a least-privilege role
# for trailrouter. See README.md.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "random_password" "external_id" {
  length  = 32
  special = false
}

locals {
  create_topic = var.existing_topic_arn == ""
  topic_arn    = local.create_topic ? aws_sns_topic.notifications[0].arn : var.existing_topic_arn
  external_id  = var.external_id != "" ? var.external_id : random_password.external_id.result
  bucket_arn   = "arn:${data.aws_partition.current.partition}:s3:::${var.trail_bucket_name}"
  account_id   = data.aws_caller_identity.current.account_id
}

# --- the queue, its DLQ and the KMS key encrypting them (and the topic) -------------------------------------------

module "queue" {
  source                        = "../encrypted-queue"
  name                          = "${var.name}-trail-notifications"
  service_principals            = ["s3.amazonaws.com", "sns.amazonaws.com"]
  visibility_timeout_seconds    = var.visibility_timeout_seconds
  max_receive_count             = var.max_receive_count
  message_retention_seconds     = var.message_retention_seconds
  dlq_message_retention_seconds = var.dlq_message_retention_seconds
  tags                          = var.tags
}

# --- SNS topic and the bucket's notification (only when no existing topic is given) --------------------------------

resource "aws_sns_topic" "notifications" {
  count             = local.create_topic ? 1 : 0
  name              = "${var.name}-trail-notifications"
  kms_master_key_id = module.queue.key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "OnlyTheTrailBucketPublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.notifications[0].arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.bucket_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "notifications" {
  count  = local.create_topic ? 1 : 0
  arn    = aws_sns_topic.notifications[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

# Note: a bucket has one notification configuration; this resource replaces any other on the bucket. If the bucket
# already notifies something, pass that topic as existing_topic_arn instead.
resource "aws_s3_bucket_notification" "trail" {
  count  = local.create_topic ? 1 : 0
  bucket = var.trail_bucket_name

  topic {
    topic_arn     = aws_sns_topic.notifications[0].arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "AWSLogs/"
  }

  depends_on = [aws_sns_topic_policy.notifications]
}

# --- the queue accepts the topic only ---------------------------------------------------------------------------

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "OnlyTheTopicSends"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.topic_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "queue" {
  queue_url = module.queue.queue_url
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_sns_topic_subscription" "queue" {
  topic_arn = local.topic_arn
  protocol  = "sqs"
  endpoint  = module.queue.queue_arn
}

# --- trailrouter's role ----------------------------------------------------------------------------------------------

module "reader" {
  source                 = "../reader-role"
  name                   = "${var.name}-reader"
  trusted_principal_arns = var.trusted_principal_arns
  external_id            = local.external_id
  queue_arn              = module.queue.queue_arn
  dlq_arn                = module.queue.dlq_arn
  key_arn                = module.queue.key_arn
  s3_object_arns         = ["${local.bucket_arn}/AWSLogs/*"]
  tags                   = var.tags
}

# Additive: the bucket key's policy stays as it is; the grant lets the role decrypt the trail's objects.
resource "aws_kms_grant" "trail_bucket" {
  count             = var.trail_bucket_kms_key_arn != "" ? 1 : 0
  name              = "${var.name}-reader"
  key_id            = var.trail_bucket_kms_key_arn
  grantee_principal = module.reader.role_arn
  operations        = ["Decrypt"]
}
