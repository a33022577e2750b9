variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "trailrouter-events"
}

variable "include_read_only" {
  description = "Also route read-only API calls (Describe*, Get*, List*). Off: only calls that change something, plus console sign-ins."
  type        = bool
  default     = false
}

variable "include_security_hub" {
  description = "Route Security Hub findings (Security Hub Findings - Imported)."
  type        = bool
  default     = true
}

variable "include_guardduty" {
  description = "Route GuardDuty findings."
  type        = bool
  default     = true
}

variable "trusted_principal_arns" {
  description = "Principals allowed to assume trailrouter's role."
  type        = list(string)

  validation {
    condition     = try(length(var.trusted_principal_arns) > 0 && alltrue([for a in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]+|user/[A-Za-z0-9+=,.@_/-]+)$", a))]), false)
    error_message = "The trusted_principal_arns must list at least one principal, each an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :role/<path/name> or :user/<path/name>."
  }
}

variable "external_id" {
  description = "External ID the role's trust policy requires. Empty: a random one is generated."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = try(var.external_id == "" || (length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.external_id))), false)
    error_message = "The external_id must be empty (a random one is generated) or 2 to 1224 characters of letters, digits and _+=,.@:/-."
  }
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout."
  type        = number
  default     = 120

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

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
