output "queue_url" {
  description = "trailrouter.queue.<name>.url"
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "The DLQ: where trailrouter dead-letters bad input and where SQS moves messages after max_receive_count."
  value       = module.queue.dlq_url
}

output "topic_arn" {
  description = "The SNS topic the bucket notifies."
  value       = local.topic_arn
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
