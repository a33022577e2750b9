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
}

variable "existing_topic_arn" {
  description = "An SNS topic that already receives the bucket's ObjectCreated notifications. Empty: this module creates the topic and the bucket notification."
  type        = string
  default     = ""
}

variable "trusted_principal_arns" {
  description = "Principals (roles, users, accounts) allowed to assume trailrouter's role."
  type        = list(string)
}

variable "external_id" {
  description = "External ID the role's trust policy requires. Empty: a random one is generated (see the external_id output)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout; trailrouter extends it while a message is processed."
  type        = number
  default     = 300
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ."
  type        = number
  default     = 4
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message (default 4 days)."
  type        = number
  default     = 345600
}

variable "dlq_message_retention_seconds" {
  description = "How long the DLQ keeps a message (default and maximum 14 days): longer than the queue, so a message that ran out of receives is not lost."
  type        = number
  default     = 1209600
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
