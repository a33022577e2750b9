# The live queue (S3 → SNS → SQS), the backfill of the same trail bucket and the LookupEvents poller, all writing to
# the same destinations, with one DynamoDB dedup table so that what two of them read is delivered once: see README.md.
provider "aws" {
  region = var.region
}

variable "region" {
  type = string
}

variable "trail_bucket_name" {
  type = string
}

variable "trail_bucket_kms_key_arn" {
  type    = string
  default = ""
}

variable "backfill_prefixes" {
  type    = list(string)
  default = ["AWSLogs/"]
}

variable "lookup_events" {
  type    = bool
  default = false
}

variable "log_group_arns" {
  type    = list(string)
  default = []
}

variable "trusted_principal_arns" {
  type = list(string)
}

module "trailrouter" {
  source                   = "../../modules/s3-sns-sqs"
  trail_bucket_name        = var.trail_bucket_name
  trail_bucket_kms_key_arn = var.trail_bucket_kms_key_arn
  trusted_principal_arns   = var.trusted_principal_arns
}

module "dedup" {
  source = "../../modules/dedup-table"
}

module "grants" {
  source            = "../../modules/intake-grants"
  role_arn          = module.trailrouter.role_arn
  trail_bucket_arn  = "arn:aws:s3:::${var.trail_bucket_name}"
  backfill_prefixes = var.backfill_prefixes
  trail_kms_key_arn = var.trail_bucket_kms_key_arn
  dedup_table_arn   = module.dedup.table_arn
  lookup_events     = var.lookup_events
  log_group_arns    = var.log_group_arns
}

output "queue_url" {
  value = module.trailrouter.queue_url
}

output "role_arn" {
  value = module.trailrouter.role_arn
}

output "external_id" {
  value     = module.trailrouter.external_id
  sensitive = true
}

output "dedup_table_name" {
  value = module.dedup.table_name
}
