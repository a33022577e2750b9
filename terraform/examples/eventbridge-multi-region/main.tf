# EventBridge sees each region's events in that region: one module instance per region, one queue each, one
# trailrouter reading them all (TRAILROUTER_QUEUES=euw1,use1). The same external ID is used for both roles.
provider "aws" {
  alias  = "eu_west_1"
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "trusted_principal_arns" {
  type = list(string)
}

variable "external_id" {
  type      = string
  sensitive = true
}

module "events_eu_west_1" {
  source                 = "../../modules/eventbridge-sqs"
  providers              = { aws = aws.eu_west_1 }
  name                   = "trailrouter-events-euw1"
  trusted_principal_arns = var.trusted_principal_arns
  external_id            = var.external_id
}

module "events_us_east_1" {
  source                 = "../../modules/eventbridge-sqs"
  providers              = { aws = aws.us_east_1 }
  name                   = "trailrouter-events-use1"
  trusted_principal_arns = var.trusted_principal_arns
  external_id            = var.external_id
}

output "trailrouter_environment" {
  description = "The environment trailrouter needs to read both queues."
  value = {
    TRAILROUTER_QUEUES              = "euw1,use1"
    TRAILROUTER_QUEUE_EUW1_URL      = module.events_eu_west_1.queue_url
    TRAILROUTER_QUEUE_EUW1_REGION   = "eu-west-1"
    TRAILROUTER_QUEUE_EUW1_ROLE_ARN = module.events_eu_west_1.role_arn
    TRAILROUTER_QUEUE_USE1_URL      = module.events_us_east_1.queue_url
    TRAILROUTER_QUEUE_USE1_REGION   = "us-east-1"
    TRAILROUTER_QUEUE_USE1_ROLE_ARN = module.events_us_east_1.role_arn
  }
}
