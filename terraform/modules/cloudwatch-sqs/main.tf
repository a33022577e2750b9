# CloudTrail → CloudWatch Logs → subscription filter → forwarder Lambda → SQS (FIFO by default, + DLQ), encrypted with
# a KMS key, and a least-privilege role for trailrouter. The forwarder is lambda/forwarder.py.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "random_password" "external_id" {
  length  = 32
  special = false
}

locals {
  external_id    = var.external_id != "" ? var.external_id : random_password.external_id.result
  account_id     = data.aws_caller_identity.current.account_id
  filter_pattern = var.filter_pattern != "" ? var.filter_pattern : trimspace(file("${path.module}/filter-pattern.txt"))
  log_group_arn  = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${local.account_id}:log-group:${var.log_group_name}"
}

module "queue" {
  source                     = "../encrypted-queue"
  name                       = var.name
  service_principals         = []
  fifo                       = var.fifo
  visibility_timeout_seconds = var.visibility_timeout_seconds
  max_receive_count          = var.max_receive_count
  tags                       = var.tags
}

# --- the forwarder -------------------------------------------------------------------------------------------------

data "archive_file" "forwarder" {
  type        = "zip"
  source_file = "${path.module}/lambda/forwarder.py"
  output_path = "${path.module}/.build/forwarder.zip"
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "forwarder" {
  name               = "${var.name}-forwarder"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "forwarder" {
  name              = "/aws/lambda/${var.name}-forwarder"
  retention_in_days = 30
  tags              = var.tags
}

data "aws_iam_policy_document" "forwarder" {
  statement {
    sid       = "SendToTheQueue"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
  }

  statement {
    sid       = "EncryptForTheQueue"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [module.queue.key_arn]
  }

  statement {
    sid       = "WriteItsOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.forwarder.arn}:*"]
  }
}

resource "aws_iam_role_policy" "forwarder" {
  name   = "${var.name}-forwarder"
  role   = aws_iam_role.forwarder.id
  policy = data.aws_iam_policy_document.forwarder.json
}

resource "aws_lambda_function" "forwarder" {
  function_name    = "${var.name}-forwarder"
  role             = aws_iam_role.forwarder.arn
  runtime          = "python3.12"
  handler          = "forwarder.handler"
  filename         = data.archive_file.forwarder.output_path
  source_code_hash = data.archive_file.forwarder.output_base64sha256
  timeout          = 30
  memory_size      = 128

  environment {
    variables = {
      QUEUE_URL = module.queue.queue_url
    }
  }

  depends_on = [aws_cloudwatch_log_group.forwarder, aws_iam_role_policy.forwarder]
  tags       = var.tags
}

resource "aws_lambda_permission" "logs" {
  statement_id   = "CloudWatchLogsInvokes"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.forwarder.function_name
  principal      = "logs.amazonaws.com"
  source_arn     = "${local.log_group_arn}:*"
  source_account = local.account_id
}

resource "aws_cloudwatch_log_subscription_filter" "trail" {
  name            = "${var.name}-trailrouter"
  log_group_name  = var.log_group_name
  filter_pattern  = local.filter_pattern
  destination_arn = aws_lambda_function.forwarder.arn
  depends_on      = [aws_lambda_permission.logs]
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
  tags                   = var.tags
}
