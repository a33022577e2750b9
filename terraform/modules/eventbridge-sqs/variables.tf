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
}

variable "external_id" {
  description = "External ID the role's trust policy requires. Empty: a random one is generated."
  type        = string
  default     = ""
  sensitive   = true
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout."
  type        = number
  default     = 120
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ."
  type        = number
  default     = 4
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
