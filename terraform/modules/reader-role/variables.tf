variable "name" {
  description = "Name of the role and its policy."
  type        = string
}

variable "trusted_principal_arns" {
  description = "Principals allowed to assume the role."
  type        = list(string)
}

variable "external_id" {
  description = "External ID the trust policy requires."
  type        = string
  sensitive   = true
}

variable "queue_arn" {
  description = "The queue trailrouter consumes."
  type        = string
}

variable "dlq_arn" {
  description = "The queue's DLQ, where trailrouter dead-letters bad input."
  type        = string
}

variable "key_arn" {
  description = "The KMS key encrypting the queue and the DLQ."
  type        = string
}

variable "s3_object_arns" {
  description = "Object ARN patterns trailrouter may read (the trail's AWSLogs/ prefix); empty for options without S3."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
