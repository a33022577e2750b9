variable "name" {
  description = "The table's name (trailrouter's DynamoDB dedup setting names it)."
  type        = string
  default     = "trailrouter-dedup"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "The name must be 3 to 255 letters, digits, underscores, dots or hyphens (DynamoDB's rule for table names)."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key to encrypt the table with; empty for the account's AWS-managed aws/dynamodb key."
  type        = string
  default     = ""

  validation {
    condition     = try(var.kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn)), false)
    error_message = "The kms_key_arn must be empty or a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id>."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups (point-in-time recovery). Off by default: a lost table costs duplicates, not events, and is rebuilt as events are delivered."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to delete the table (on by default: every instance sharing it would start re-delivering what it skipped)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
