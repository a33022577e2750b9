output "queue_url" {
  description = "trailrouter.queue.<name>.url"
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "The DLQ: bad input and messages past max_receive_count."
  value       = module.queue.dlq_url
}

output "forwarder_function_name" {
  description = "The forwarder Lambda."
  value       = aws_lambda_function.forwarder.function_name
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
