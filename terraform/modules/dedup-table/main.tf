# The table trailrouter's durable dedup shares between instances: one item per (destination, event id) that the
# destination accepted, expiring by itself. Every instance, intake and backfill that delivers to the same destinations
# points at the same table, so an event they all read is delivered once.

resource "aws_dynamodb_table" "dedup" {
  name = var.name

  # on demand: dedup traffic follows the event rate (bursts after an outage, a backfill), with nothing to size
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  # the only attribute a key needs to declare; expires_at is an ordinary attribute DynamoDB's TTL reads
  attribute {
    name = "pk"
    type = "S"
  }

  # items delete themselves (free, within a few days of expiry); trailrouter also ignores an expired item it reads
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  # encrypted at rest with a KMS key: the account's aws/dynamodb key, or the customer-managed key given
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn == "" ? null : var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
