# The recommended collection option for an existing org trail: see ../../README.md.
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

variable "trusted_principal_arns" {
  type = list(string)
}

module "trailrouter" {
  source                   = "../../modules/s3-sns-sqs"
  trail_bucket_name        = var.trail_bucket_name
  trail_bucket_kms_key_arn = var.trail_bucket_kms_key_arn
  trusted_principal_arns   = var.trusted_principal_arns
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
