# The queue every collection option delivers to: a KMS key (rotation on) encrypting the queue and its DLQ, and the
# redrive policy that moves a message to the DLQ after max_receive_count receives. Shared by the three modules.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  suffix     = var.fifo ? ".fifo" : ""
  account_id = data.aws_caller_identity.current.account_id
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

  dynamic "statement" {
    for_each = length(var.service_principals) > 0 ? [1] : []
    content {
      sid       = "ServicesDeliverToTheEncryptedQueue"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = var.service_principals
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }
}

resource "aws_kms_key" "queue" {
  description         = "${var.name}: encrypts the queue and its DLQ"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = var.tags
}

resource "aws_kms_alias" "queue" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.queue.key_id
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq${local.suffix}"
  fifo_queue                = var.fifo
  kms_master_key_id         = aws_kms_key.queue.arn
  message_retention_seconds = var.dlq_message_retention_seconds
  tags                      = var.tags
}

resource "aws_sqs_queue" "queue" {
  name                       = "${var.name}${local.suffix}"
  fifo_queue                 = var.fifo
  kms_master_key_id          = aws_kms_key.queue.arn
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = 20
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}
