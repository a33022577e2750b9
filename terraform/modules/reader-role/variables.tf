variable "name" {
  description = "Name of the role and its policy."
  type        = string
}

variable "trusted_principal_arns" {
  description = "Principals allowed to assume the role."
  type        = list(string)

  validation {
    condition     = try(length(var.trusted_principal_arns) > 0 && alltrue([for a in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]+|user/[A-Za-z0-9+=,.@_/-]+)$", a))]), false)
    error_message = "The trusted_principal_arns must list at least one principal, each an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :role/<path/name> or :user/<path/name>."
  }
}

variable "external_id" {
  description = "External ID the trust policy requires."
  type        = string
  sensitive   = true

  validation {
    condition     = try(length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.external_id)), false)
    error_message = "The external_id must be 2 to 1224 characters of letters, digits and _+=,.@:/-."
  }
}

variable "queue_arn" {
  description = "The queue trailrouter consumes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+([.]fifo)?$", var.queue_arn))
    error_message = "The queue_arn must be an SQS queue ARN: arn:<partition>:sqs:<region>:<12-digit account>:<queue name>."
  }
}

variable "dlq_arn" {
  description = "The queue's DLQ, where trailrouter dead-letters bad input."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+([.]fifo)?$", var.dlq_arn))
    error_message = "The dlq_arn must be an SQS queue ARN: arn:<partition>:sqs:<region>:<12-digit account>:<queue name>."
  }
}

variable "key_arn" {
  description = "The KMS key encrypting the queue and the DLQ."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.key_arn))
    error_message = "The key_arn must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id>."
  }
}

variable "s3_object_arns" {
  description = "Object ARN patterns trailrouter may read (the trail's AWSLogs/ prefix); empty for options without S3."
  type        = list(string)
  default     = []

  validation {
    condition     = try(alltrue([for a in var.s3_object_arns : can(regex("^arn:aws[a-z-]*:s3:::[A-Za-z0-9._-]+/.+$", a))]), false)
    error_message = "The s3_object_arns must be a list (empty for no S3 access) of S3 object ARNs: arn:<partition>:s3:::<bucket>/<key or pattern>."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
