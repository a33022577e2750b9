output "topic_arn" {
  description = "Allow-list it: trailrouter.sns-push.<name>.topics (one per region, comma-separated)."
  value       = aws_sns_topic.events.arn
}

output "rule_arns" {
  description = "The EventBridge rules, by name suffix: the only publishers the topic allows."
  value       = { for k, rule in aws_cloudwatch_event_rule.events : k => rule.arn }
}

output "subscription_arn" {
  description = "The HTTPS subscription (pending until trailrouter confirmed it)."
  value       = aws_sns_topic_subscription.push.arn
}

output "dlq_url" {
  description = "The subscription's DLQ: what SNS could not deliver within its delivery policy, and what trailrouter refused with 4xx."
  value       = aws_sqs_queue.dlq.id
}

output "dlq_arn" {
  description = "The subscription's DLQ ARN."
  value       = aws_sqs_queue.dlq.arn
}

output "key_arn" {
  description = "The KMS key encrypting the topic and the DLQ."
  value       = aws_kms_key.key.arn
}
