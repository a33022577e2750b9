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

module "queue" {
  source                     = "../encrypted-queue"
  name                       = var.name
  service_principals         = ["events.amazonaws.com"]
  visibility_timeout_seconds = var.visibility_timeout_seconds
  max_receive_count          = var.max_receive_count
  tags                       = var.tags
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
  arn       = module.queue.queue_arn

  # events EventBridge cannot deliver go to the DLQ too, not lost
  dead_letter_config {
    arn = module.queue.dlq_arn
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
    resources = [module.queue.queue_arn, module.queue.dlq_arn]
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
  queue_url = module.queue.queue_url
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = module.queue.dlq_url
  policy    = data.aws_iam_policy_document.queue.json
}

module "reader" {
  source                 = "../reader-role"
  name                   = "${var.name}-reader"
  trusted_principal_arns = var.trusted_principal_arns
  external_id            = local.external_id
  queue_arn              = module.queue.queue_arn
  dlq_arn                = module.queue.dlq_arn
  key_arn                = module.queue.key_arn
  tags                   = var.tags
}
