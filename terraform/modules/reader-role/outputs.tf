output "role_arn" {
  description = "The role's ARN."
  value       = aws_iam_role.trailrouter.arn
}

output "role_name" {
  description = "The role's name."
  value       = aws_iam_role.trailrouter.name
}
