output "policy_name" {
  description = "The inline policy's name; null when no grant was asked for."
  value       = local.grants_anything ? aws_iam_role_policy.grants[0].name : null
}

output "policy_json" {
  description = "The policy document granted, to review before applying."
  value       = data.aws_iam_policy_document.grants.json
}
