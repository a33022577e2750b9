# The sub-minute option: the org trail's CloudWatch Logs group → forwarder Lambda → FIFO queue.
provider "aws" {
  region = var.region
}

variable "region" {
  type = string
}

variable "log_group_name" {
  type = string
}

variable "trusted_principal_arns" {
  type = list(string)
}

module "trailrouter" {
  source                 = "../../modules/cloudwatch-sqs"
  log_group_name         = var.log_group_name
  trusted_principal_arns = var.trusted_principal_arns
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
