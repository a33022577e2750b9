variable "role_arn" {
  description = "The role to grant to: a collection module's role_arn output, or the role trailrouter runs as."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.role_arn))
    error_message = "The role_arn must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<path/name>."
  }
}

variable "policy_name" {
  description = "Name of the inline policy added to the role."
  type        = string
  default     = "trailrouter-intake-grants"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.policy_name))
    error_message = "The policy_name must be 1 to 128 letters, digits and +=,.@_- (IAM's rule)."
  }
}

variable "lookup_events" {
  description = "Grant cloudtrail:LookupEvents, for the CloudTrail LookupEvents poller (resource \"*\": the API has no resource-level permissions)."
  type        = bool
  default     = false
}

variable "log_group_arns" {
  description = "Log groups the FilterLogEvents poller reads (without a trailing :*); empty for none."
  type        = list(string)
  default     = []

  validation {
    condition     = try(alltrue([for a in var.log_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[A-Za-z0-9_./#-]+$", a))]), false)
    error_message = "The log_group_arns must be a list (empty for none) of log group ARNs without a trailing :*, arn:<partition>:logs:<region>:<12-digit account>:log-group:<name>."
  }
}

variable "trail_bucket_arn" {
  description = "The trail's bucket the backfill reads (arn:aws:s3:::<bucket>); empty for no backfill."
  type        = string
  default     = ""

  validation {
    condition     = try(var.trail_bucket_arn == "" || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.trail_bucket_arn)), false)
    error_message = "The trail_bucket_arn must be empty or an S3 bucket ARN: arn:<partition>:s3:::<bucket>."
  }
}

variable "backfill_prefixes" {
  description = "Key prefixes the backfill may list and read in the trail's bucket, e.g. AWSLogs/o-a1b2c3d4e5/ for an organization trail."
  type        = list(string)
  default     = ["AWSLogs/"]

  validation {
    condition     = try(length(var.backfill_prefixes) > 0 && alltrue([for p in var.backfill_prefixes : can(regex("^[^/*?][^*?]*/$", p))]), false)
    error_message = "The backfill_prefixes must list at least one key prefix ending in / (no leading /, no wildcard), e.g. AWSLogs/."
  }
}

variable "trail_kms_key_arn" {
  description = "The KMS key the trail encrypts its log files with (SSE-KMS), for the backfill; empty when the trail uses none."
  type        = string
  default     = ""

  validation {
    condition     = try(var.trail_kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.trail_kms_key_arn)), false)
    error_message = "The trail_kms_key_arn must be empty or a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id>."
  }
}

variable "dedup_table_arn" {
  description = "The dedup table (modules/dedup-table's table_arn); empty when dedup is off or uses the embedded store."
  type        = string
  default     = ""

  validation {
    condition     = try(var.dedup_table_arn == "" || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.dedup_table_arn)), false)
    error_message = "The dedup_table_arn must be empty or a DynamoDB table ARN: arn:<partition>:dynamodb:<region>:<12-digit account>:table/<name>."
  }
}
