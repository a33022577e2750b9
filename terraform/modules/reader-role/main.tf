# The role trailrouter assumes, shared by the three collection options: trusted principals only, with the external ID;
# least privilege: consume the queue, dead-letter to its DLQ, use its key, and (for the S3 option) read the trail's logs.

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "TrustedPrincipalsWithTheExternalId"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = var.trusted_principal_arns
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "trailrouter" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "trailrouter" {
  statement {
    sid       = "ConsumeTheQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "DeadLetterBadInput"
    actions   = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
    resources = [var.dlq_arn]
  }

  statement {
    sid       = "UseTheQueueKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.key_arn]
  }

  dynamic "statement" {
    for_each = length(var.s3_object_arns) > 0 ? [1] : []
    content {
      sid       = "ReadTheTrailLogs"
      actions   = ["s3:GetObject"]
      resources = var.s3_object_arns
    }
  }
}

resource "aws_iam_role_policy" "trailrouter" {
  name   = var.name
  role   = aws_iam_role.trailrouter.id
  policy = data.aws_iam_policy_document.trailrouter.json
}
