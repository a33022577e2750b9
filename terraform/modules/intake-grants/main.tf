# What trailrouter needs beyond reading a queue, attached as one more inline policy to a role that exists already
# (a collection module's reader role, or the role of a deployment that reads no queue at all): the CloudTrail
# LookupEvents poller, the CloudWatch Logs FilterLogEvents poller, the backfill of the trail's bucket, and the shared
# dedup table. Each grant is there only when its input is set; a role given none of them gets no policy.

locals {
  # the role's name is the last segment of its ARN (after any path)
  role_name = regex("[^/]+$", var.role_arn)

  grants_anything = var.lookup_events || length(var.log_group_arns) > 0 || var.trail_bucket_arn != "" || var.dedup_table_arn != ""
}

data "aws_iam_policy_document" "grants" {
  # LookupEvents has no resource-level permissions: AWS requires "*". It reads the management events of this account
  # and region only, which is what the poller is for.
  dynamic "statement" {
    for_each = var.lookup_events ? [1] : []
    content {
      sid       = "PollCloudTrailLookupEvents"
      actions   = ["cloudtrail:LookupEvents"]
      resources = ["*"]
    }
  }

  # FilterLogEvents authorizes on the log group: its ARN, and the ":*" form that CloudWatch Logs reports and that
  # covers its streams
  dynamic "statement" {
    for_each = length(var.log_group_arns) > 0 ? [1] : []
    content {
      sid       = "PollLogGroups"
      actions   = ["logs:FilterLogEvents"]
      resources = concat(var.log_group_arns, [for arn in var.log_group_arns : "${arn}:*"])
    }
  }

  # the backfill lists only CloudTrail's date prefixes under these prefixes, never the whole bucket
  dynamic "statement" {
    for_each = var.trail_bucket_arn != "" ? [1] : []
    content {
      sid       = "BackfillListsTheTrailPrefixes"
      actions   = ["s3:ListBucket"]
      resources = [var.trail_bucket_arn]
      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = concat(var.backfill_prefixes, [for prefix in var.backfill_prefixes : "${prefix}*"])
      }
    }
  }

  dynamic "statement" {
    for_each = var.trail_bucket_arn != "" ? [1] : []
    content {
      sid       = "BackfillReadsTheTrailLogs"
      actions   = ["s3:GetObject"]
      resources = [for prefix in var.backfill_prefixes : "${var.trail_bucket_arn}/${prefix}*"]
    }
  }

  # an SSE-KMS trail: objects are decrypted with the trail's key, through S3 only
  dynamic "statement" {
    for_each = var.trail_bucket_arn != "" && var.trail_kms_key_arn != "" ? [1] : []
    content {
      sid       = "BackfillDecryptsTheTrailLogs"
      actions   = ["kms:Decrypt"]
      resources = [var.trail_kms_key_arn]
      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["s3.*.amazonaws.com"]
      }
    }
  }

  # the five calls durable dedup makes, on its table only
  dynamic "statement" {
    for_each = var.dedup_table_arn != "" ? [1] : []
    content {
      sid       = "DedupTable"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable"]
      resources = [var.dedup_table_arn]
    }
  }
}

resource "aws_iam_role_policy" "grants" {
  count  = local.grants_anything ? 1 : 0
  name   = var.policy_name
  role   = local.role_name
  policy = data.aws_iam_policy_document.grants.json
}
