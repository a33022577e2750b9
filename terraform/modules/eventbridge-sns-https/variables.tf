variable "name" {
  description = "Prefix of every resource name (the topic is named so)."
  type        = string
  default     = "trailrouter-push"
}

variable "endpoint_url" {
  description = "trailrouter's push endpoint, as SNS reaches it: https://<host>/sns/<name> (usually a load balancer terminating TLS)."
  type        = string

  validation {
    condition     = try(can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/sns/[a-z0-9][a-z0-9-]*$", var.endpoint_url)), false)
    error_message = "The endpoint_url must be https://<host>[:port]/sns/<name>: SNS must reach trailrouter over TLS, at a push endpoint's path."
  }
}

variable "event_patterns" {
  description = "EventBridge event patterns (JSON) by rule name suffix. Empty: CloudTrail write API calls and console sign-ins, Security Hub and GuardDuty findings."
  type        = map(string)
  default     = {}

  validation {
    condition     = try(alltrue([for p in values(var.event_patterns) : can(jsondecode(p))]), false)
    error_message = "Every event_patterns value must be a JSON event pattern."
  }
}

variable "include_read_only" {
  description = "With the default patterns: also route read-only API calls (Describe*, Get*, List*)."
  type        = bool
  default     = false
}

variable "num_retries" {
  description = "SNS delivery policy: attempts after the first when trailrouter answers 5xx or cannot be reached."
  type        = number
  default     = 40

  validation {
    condition     = try(var.num_retries >= 0 && var.num_retries <= 100 && floor(var.num_retries) == var.num_retries, false)
    error_message = "The num_retries must be a whole number from 0 to 100 (SNS's HTTP/S delivery policy limit)."
  }
}

variable "min_delay_seconds" {
  description = "SNS delivery policy: the shortest delay between retries."
  type        = number
  default     = 1

  validation {
    condition     = try(var.min_delay_seconds >= 1 && var.min_delay_seconds <= 3600 && floor(var.min_delay_seconds) == var.min_delay_seconds, false)
    error_message = "The min_delay_seconds must be a whole number from 1 to 3600."
  }
}

variable "max_delay_seconds" {
  description = "SNS delivery policy: the longest delay between retries (the whole policy is capped by SNS at 3600 s)."
  type        = number
  default     = 60

  validation {
    condition     = try(var.max_delay_seconds >= 1 && var.max_delay_seconds <= 3600 && floor(var.max_delay_seconds) == var.max_delay_seconds, false)
    error_message = "The max_delay_seconds must be a whole number from 1 to 3600."
  }
}

variable "max_receives_per_second" {
  description = "SNS delivery policy: deliveries per second to trailrouter at most (keep it under what trailrouter.sns-push.max-concurrent sustains)."
  type        = number
  default     = 20

  validation {
    condition     = try(var.max_receives_per_second >= 1 && floor(var.max_receives_per_second) == var.max_receives_per_second, false)
    error_message = "The max_receives_per_second must be a whole number of at least 1."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the subscription's DLQ keeps what SNS could not deliver."
  type        = number
  default     = 1209600

  validation {
    condition     = try(var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds, false)
    error_message = "The dlq_message_retention_seconds must be a whole number from 60 to 1209600 seconds (the SQS limits, 14 days)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
