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
  description = "How long the DLQ keeps a message (default and maximum 14 days): longer than the queue."
  type        = number
  default     = 1209600
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
