output "table_name" {
  description = "The table's name: trailrouter's DynamoDB dedup table setting."
  value       = aws_dynamodb_table.dedup.name
}

output "table_arn" {
  description = "The table's ARN: the intake-grants module's dedup_table_arn."
  value       = aws_dynamodb_table.dedup.arn
}
