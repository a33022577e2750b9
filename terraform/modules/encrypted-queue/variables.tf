variable "name" {
  description = "Queue name (and key alias); the DLQ is <name>-dlq. A FIFO queue gets the .fifo suffix itself."
  type        = string
}

variable "fifo" {
  description = "FIFO queue and DLQ."
  type        = bool
  default     = false
}

variable "service_principals" {
  description = "AWS services that send to the queue (or publish to a topic encrypted with the key): they may use the key, for this account only."
  type        = list(string)
  default     = []
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
  description = "How long the DLQ keeps a message (default and maximum 14 days): longer than the queue."
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
