output "queue_url" {
  description = "The queue's URL."
  value       = aws_sqs_queue.queue.url
}

output "queue_arn" {
  description = "The queue's ARN."
  value       = aws_sqs_queue.queue.arn
}

output "dlq_url" {
  description = "The DLQ's URL."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "The DLQ's ARN."
  value       = aws_sqs_queue.dlq.arn
}

output "key_arn" {
  description = "The KMS key encrypting both."
  value       = aws_kms_key.queue.arn
}
