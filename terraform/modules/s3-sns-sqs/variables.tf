variable "name" {
  description = "Prefix of every resource name (queue, topic, key alias, role)."
  type        = string
  default     = "trailrouter"
}

variable "trail_bucket_name" {
  description = "The existing org-trail bucket CloudTrail writes to."
  type        = string
}

variable "trail_bucket_kms_key_arn" {
  description = "The customer-managed KMS key the trail bucket is encrypted with, if any: trailrouter's role gets a grant to decrypt (the key policy is not changed)."
  type        = string
  default     = ""

  validation {
    condition     = try(var.trail_bucket_kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.trail_bucket_kms_key_arn)), false)
    error_message = "The trail_bucket_kms_key_arn must be empty or a KMS key ARN (not an alias): arn:<partition>:kms:<region>:<12-digit account>:key/<key id>."
  }
}

variable "existing_topic_arn" {
  description = "An SNS topic that already receives the bucket's ObjectCreated notifications. Empty: this module creates the topic and the bucket notification."
  type        = string
  default     = ""

  validation {
    condition     = try(var.existing_topic_arn == "" || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+([.]fifo)?$", var.existing_topic_arn)), false)
    error_message = "The existing_topic_arn must be empty or an SNS topic ARN: arn:<partition>:sns:<region>:<12-digit account>:<topic name>."
  }
}

variable "trusted_principal_arns" {
  description = "Principals (roles, users, accounts) allowed to assume trailrouter's role."
  type        = list(string)

  validation {
    condition     = try(length(var.trusted_principal_arns) > 0 && alltrue([for a in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]+|user/[A-Za-z0-9+=,.@_/-]+)$", a))]), false)
    error_message = "The trusted_principal_arns must list at least one principal, each an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :role/<path/name> or :user/<path/name>."
  }
}

variable "external_id" {
  description = "External ID the role's trust policy requires. Empty: a random one is generated (see the external_id output)."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = try(var.external_id == "" || (length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.external_id))), false)
    error_message = "The external_id must be empty (a random one is generated) or 2 to 1224 characters of letters, digits and _+=,.@:/-."
  }
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout; trailrouter extends it while a message is processed."
  type        = number
  default     = 300

  validation {
    condition     = try(var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds, false)
    error_message = "The visibility_timeout_seconds must be a whole number from 0 to 43200 seconds (the SQS limit, 12 hours)."
  }
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ."
  type        = number
  default     = 4

  validation {
    condition     = try(var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count, false)
    error_message = "The max_receive_count must be a whole number from 1 to 1000 (the SQS redrive policy limits)."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message (default 4 days)."
  type        = number
  default     = 345600

  validation {
    condition     = try(var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds, false)
    error_message = "The message_retention_seconds must be a whole number from 60 to 1209600 seconds (1 minute to 14 days, the SQS limits)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the DLQ keeps a message (default and maximum 14 days): longer than the queue, so a message that ran out of receives is not lost."
  type        = number
  default     = 1209600

  validation {
    condition     = try(var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds, false)
    error_message = "The dlq_message_retention_seconds must be a whole number from 60 to 1209600 seconds (1 minute to 14 days, the SQS limits)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
