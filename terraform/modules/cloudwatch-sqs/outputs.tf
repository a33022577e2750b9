output "queue_url" {
  description = "trailrouter.queue.<name>.url"
  value       = aws_sqs_queue.queue.url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = aws_sqs_queue.queue.arn
}

output "dlq_url" {
  description = "The DLQ: bad input and messages past max_receive_count."
  value       = aws_sqs_queue.dlq.url
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
