output "queue_url" {
  description = "trailrouter.queue.<name>.url"
  value       = aws_sqs_queue.queue.url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = aws_sqs_queue.queue.arn
}

output "dlq_url" {
  description = "The DLQ: bad input, messages past max_receive_count, and events EventBridge could not deliver."
  value       = aws_sqs_queue.dlq.url
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
