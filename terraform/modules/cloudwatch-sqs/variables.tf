variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "trailrouter-logs"
}

variable "log_group_name" {
  description = "The org trail's CloudWatch Logs group (e.g. aws-cloudtrail-logs-111122223333-abcd1234)."
  type        = string
}

variable "filter_pattern" {
  description = "Subscription filter pattern. Empty: the one in filter-pattern.txt (drops read-only calls, keeps sign-ins and errors)."
  type        = string
  default     = ""
}

variable "fifo" {
  description = "FIFO queue (recommended): events of one log stream stay in order and Lambda retries do not duplicate messages. Standard: no ordering, higher throughput."
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
