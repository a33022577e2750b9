output "queue_url" {
  description = "trailrouter.queue.<name>.url"
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "The DLQ: bad input, messages past max_receive_count, and events EventBridge could not deliver."
  value       = module.queue.dlq_url
}

output "rule_arns" {
  description = "The EventBridge rules, by name."
  value       = { for k, rule in aws_cloudwatch_event_rule.events : k => rule.arn }
}

output "role_arn" {
  description = "trailrouter.queue.<name>.role-arn"
  value       = module.reader.role_arn
}

output "external_id" {
  description = "trailrouter.queue.<name>.external-id"
  value       = local.external_id
  sensitive   = true
}
