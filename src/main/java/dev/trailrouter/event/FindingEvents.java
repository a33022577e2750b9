package dev.trailrouter.event;

import static dev.trailrouter.event.EventIds.text;
import static dev.trailrouter.event.EventIds.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;

/** Security Hub (ASFF) and GuardDuty findings as Events; the finding itself becomes {@code detail}, untouched. */
public final class FindingEvents {

    public static final String SECURITY_HUB = "securityhub";
    public static final String GUARDDUTY = "guardduty";

    private FindingEvents() {
    }

    /** An AWS Security Finding Format finding: the elements of a Security Hub event's {@code detail.findings}. */
    public static Event securityHub(JsonNode finding, Origin origin) {
        return new Event(
                text(finding, "Id").orElseGet(() -> EventIds.contentHash(origin, finding.toString())),
                text(finding, "UpdatedAt").or(() -> text(finding, "CreatedAt")).orElse(null),
                SECURITY_HUB,
                textOrNull(finding, "AwsAccountId"),
                text(finding, "Region").orElseGet(() -> arnRegion(textOrNull(finding, "ProductArn"))),
                text(finding, "ProductName").orElse("Security Hub"),
                textOrNull(finding, "Title"),
                textOrNull(finding.path("Resources").path(0), "Id"),
                firstIp(finding.path("Network"), "SourceIpV4", "SourceIpV6"),
                null,
                origin,
                finding);
    }

    /** A GuardDuty finding: the {@code detail} of a "GuardDuty Finding" event, or a line of a findings export. */
    public static Event guardDuty(JsonNode finding, Origin origin) {
        JsonNode action = finding.path("service").path("action");
        return new Event(
                text(finding, "id").orElseGet(() -> EventIds.contentHash(origin, finding.toString())),
                text(finding, "updatedAt").or(() -> text(finding, "createdAt")).orElse(null),
                GUARDDUTY,
                textOrNull(finding, "accountId"),
                textOrNull(finding, "region"),
                "guardduty.amazonaws.com",
                textOrNull(finding, "type"),
                text(finding.path("resource").path("accessKeyDetails"), "userName")
                        .or(() -> text(finding.path("resource").path("accessKeyDetails"), "principalId"))
                        .or(() -> text(finding.path("resource").path("instanceDetails"), "instanceId"))
                        .orElse(null),
                remoteIp(action),
                null,
                origin,
                finding);
    }

    public static boolean isGuardDutyFinding(JsonNode node) {
        return node.hasNonNull("schemaVersion") && node.hasNonNull("type") && node.path("arn").asText("").contains(":guardduty:");
    }

    public static boolean isSecurityHubFinding(JsonNode node) {
        return node.hasNonNull("SchemaVersion") && node.hasNonNull("ProductArn") && node.hasNonNull("Id");
    }

    /** GuardDuty puts the remote address under the action type: networkConnectionAction, awsApiCallAction, … */
    private static String remoteIp(JsonNode action) {
        for (JsonNode kind : action) {
            JsonNode ip = kind.path("remoteIpDetails").path("ipAddressV4");
            if (ip.isTextual()) {
                return ip.asText();
            }
            for (JsonNode probe : kind.path("portProbeDetails")) {
                if (probe.path("remoteIpDetails").path("ipAddressV4").isTextual()) {
                    return probe.path("remoteIpDetails").path("ipAddressV4").asText();
                }
            }
        }
        return null;
    }

    private static String firstIp(JsonNode network, String... fields) {
        for (String field : fields) {
            if (network.path(field).isTextual()) {
                return network.path(field).asText();
            }
        }
        return null;
    }

    static String arnRegion(String arn) {
        if (arn == null) {
            return null;
        }
        try {
            return software.amazon.awssdk.arns.Arn.tryFromString(arn).flatMap(software.amazon.awssdk.arns.Arn::region).orElse(null);
        } catch (IllegalArgumentException notAnArn) {
            // tryFromString throws, rather than answering empty, for an ARN with a blank partition or service
            // ("arn::securityhub:…"): the finding keeps no region, as for any other ARN that names none
            return null;
        }
    }
}
