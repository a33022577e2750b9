# EventBridge rules (CloudTrail API calls and console sign-ins, optionally Security Hub and GuardDuty findings) →
# SQS (+ DLQ), encrypted with a KMS key, in the provider's region, and a least-privilege role for trailrouter.
# EventBridge sees the events of its own region: instantiate the module once per region (examples/multi-region).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "random_password" "external_id" {
  length  = 32
  special = false
}

locals {
  external_id = var.external_id != "" ? var.external_id : random_password.external_id.result
  account_id  = data.aws_caller_identity.current.account_id

  cloudtrail_pattern = merge(
    { "detail-type" = ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"] },
    var.include_read_only ? {} : { detail = { readOnly = [false, { exists = false }] } }
  )
  finding_patterns = merge(
    var.include_security_hub ? { securityhub = { source = ["aws.securityhub"], "detail-type" = ["Security Hub Findings - Imported"] } } : {},
    var.include_guardduty ? { guardduty = { source = ["aws.guardduty"], "detail-type" = ["GuardDuty Finding"] } } : {}
  )
  patterns = merge({ cloudtrail = local.cloudtrail_pattern }, local.finding_patterns)
}

data "aws_iam_policy_document" "key" {
  # Key policies must name the key as "*" and keep the account in control of it.
  statement {
    sid       = "AccountAdministersTheKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "EventBridgeDeliversToTheEncryptedQueue"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "queue" {
  description         = "${var.name}: encrypts the event queue and its DLQ"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = var.tags
}

resource "aws_kms_alias" "queue" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.queue.key_id
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  kms_master_key_id         = aws_kms_key.queue.arn
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue" "queue" {
  name                       = var.name
  kms_master_key_id          = aws_kms_key.queue.arn
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = 345600
  receive_wait_time_seconds  = 20
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "events" {
  for_each      = local.patterns
  name          = "${var.name}-${each.key}"
  description   = "${each.key} events for trailrouter"
  event_pattern = jsonencode(each.value)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "queue" {
  for_each  = local.patterns
  rule      = aws_cloudwatch_event_rule.events[each.key].name
  target_id = "trailrouter"
  arn       = aws_sqs_queue.queue.arn

  # events EventBridge cannot deliver go to the DLQ too, not lost
  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "OnlyTheRulesSend"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.queue.arn, aws_sqs_queue.dlq.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for rule in aws_cloudwatch_event_rule.events : rule.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "queue" {
  queue_url = aws_sqs_queue.queue.id
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.queue.json
}

module "reader" {
  source                 = "../reader-role"
  name                   = "${var.name}-reader"
  trusted_principal_arns = var.trusted_principal_arns
  external_id            = local.external_id
  queue_arn              = aws_sqs_queue.queue.arn
  dlq_arn                = aws_sqs_queue.dlq.arn
  key_arn                = aws_kms_key.queue.arn
  tags                   = var.tags
}
