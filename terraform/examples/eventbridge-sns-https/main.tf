# EventBridge → SNS → HTTPS push to trailrouter in two regions: EventBridge sees each region's events in that region,
# and a provider block cannot be chosen per for_each element, so the list of regions is one provider alias and one
# module call per region (add a pair of blocks for each further region). Both topics deliver to the same trailrouter
# endpoint, which allow-lists both topic ARNs.
provider "aws" {
  alias  = "eu_west_1"
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "endpoint_url" {
  description = "https://<trailrouter's public host>/sns/events"
  type        = string
}

module "push_eu_west_1" {
  source       = "../../modules/eventbridge-sns-https"
  providers    = { aws = aws.eu_west_1 }
  name         = "trailrouter-push"
  endpoint_url = var.endpoint_url
}

module "push_us_east_1" {
  source       = "../../modules/eventbridge-sns-https"
  providers    = { aws = aws.us_east_1 }
  name         = "trailrouter-push"
  endpoint_url = var.endpoint_url
}

output "topic_arns" {
  description = "Every region's topic: the allow-list of trailrouter's endpoint."
  value       = [module.push_eu_west_1.topic_arn, module.push_us_east_1.topic_arn]
}

output "trailrouter_environment" {
  description = "The environment trailrouter's push endpoint 'events' needs."
  value = {
    TRAILROUTER_SNS_PUSH_ENDPOINTS     = "events"
    TRAILROUTER_SNS_PUSH_EVENTS_TOPICS = join(",", [module.push_eu_west_1.topic_arn, module.push_us_east_1.topic_arn])
  }
}

output "dlq_urls" {
  description = "Each region's subscription DLQ: what SNS could not deliver, and what trailrouter refused."
  value       = [module.push_eu_west_1.dlq_url, module.push_us_east_1.dlq_url]
}
