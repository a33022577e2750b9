# EventBridge rules on the default bus → a KMS-encrypted SNS topic only those rules may publish to → an HTTPS
# subscription to trailrouter's push listener (POST /sns/<name>), with a delivery policy (retries with backoff) and a
# redrive policy sending what SNS finally cannot deliver (or what trailrouter refuses with 4xx) to an encrypted SQS DLQ.
# EventBridge sees the events of its own region: instantiate the module once per region, with a provider per region
# (examples/eventbridge-sns-https); allow-list every region's topic_arn on the one trailrouter endpoint.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # the default: CloudTrail API calls that change something (unless include_read_only) and console sign-ins,
  # Security Hub and GuardDuty findings; event_patterns replaces all of them
  cloudtrail_pattern = merge(
    { "detail-type" = ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"] },
    var.include_read_only ? {} : { detail = { readOnly = [false, { exists = false }] } }
  )
  default_patterns = {
    cloudtrail  = jsonencode(local.cloudtrail_pattern)
    securityhub = jsonencode({ source = ["aws.securityhub"], "detail-type" = ["Security Hub Findings - Imported"] })
    guardduty   = jsonencode({ source = ["aws.guardduty"], "detail-type" = ["GuardDuty Finding"] })
  }
  patterns = length(var.event_patterns) > 0 ? var.event_patterns : local.default_patterns

  # SNS's HTTP/S delivery policy: immediate retries, then backoff between min and max delay; SNS caps the whole
  # policy at 3600 s. trailrouter answers 5xx when a destination failed, and SNS tries again per this policy.
  delivery_policy = {
    healthyRetryPolicy = {
      numRetries         = var.num_retries
      numNoDelayRetries  = 0
      minDelayTarget     = var.min_delay_seconds
      maxDelayTarget     = var.max_delay_seconds
      numMinDelayRetries = 2
      numMaxDelayRetries = 10
      backoffFunction    = "exponential"
    }
    throttlePolicy = {
      maxReceivesPerSecond = var.max_receives_per_second
    }
    requestPolicy = {
      headerContentType = "text/plain; charset=UTF-8"
    }
  }
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

  # EventBridge publishes to the encrypted topic, and SNS writes undeliverable messages to the encrypted DLQ
  statement {
    sid       = "EventBridgeAndSnsUseTheKey"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "sns.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "key" {
  description         = "${var.name}: encrypts the SNS topic and its subscription's DLQ"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = var.tags
}

resource "aws_kms_alias" "key" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.key.key_id
}

resource "aws_sns_topic" "events" {
  name              = var.name
  kms_master_key_id = aws_kms_key.key.arn
  # SignatureVersion 2 (SHA256withRSA): trailrouter verifies 1 and 2, 2 is the stronger digest
  signature_version = 2
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "events" {
  for_each      = local.patterns
  name          = "${var.name}-${each.key}"
  description   = "${each.key} events for trailrouter (SNS push)"
  event_pattern = each.value
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "topic" {
  for_each  = local.patterns
  rule      = aws_cloudwatch_event_rule.events[each.key].name
  target_id = "trailrouter-sns"
  arn       = aws_sns_topic.events.arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "OnlyTheRulesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
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

  # the account manages the topic (and subscribes to it), but does not publish to it
  statement {
    sid = "AccountManagesTheTopic"
    actions = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
    "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic"]
    resources = [aws_sns_topic.events.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-push-dlq"
  kms_master_key_id         = aws_kms_key.key.arn
  message_retention_seconds = var.dlq_message_retention_seconds
  tags                      = var.tags
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid       = "OnlyTheTopicDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.events.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

resource "aws_sns_topic_subscription" "push" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "https"
  endpoint  = var.endpoint_url
  # trailrouter confirms the subscription itself (GET of SubscribeURL, once the signature and topic are checked)
  endpoint_auto_confirms          = true
  confirmation_timeout_in_minutes = 5
  # the envelope must stay: trailrouter verifies its signature; raw delivery would drop it
  raw_message_delivery = false
  delivery_policy      = jsonencode(local.delivery_policy)
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
  })
}
