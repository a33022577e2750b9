package dev.trailrouter.deliver;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.event.Event;

/**
 * Renders a group of events as one Slack incoming-webhook message in Block Kit: per event who did what, where (account,
 * region, service), when, from which IP, the result (success, or the error code and message), and a button to the
 * event in the CloudTrail console. Untrusted text is escaped for mrkdwn and cut to Slack's limits.
 */
public final class SlackMessage {

    /** Blocks per message are capped at 50 by Slack: a header plus two per event. */
    public static final int MAX_EVENTS = 24;
    private static final int MAX_SECTION_TEXT = 2900;

    private SlackMessage() {
    }

    public static ObjectNode render(ObjectMapper json, List<Event> events) {
        ObjectNode message = json.createObjectNode();
        message.put("text", fallback(events));
        ArrayNode blocks = message.putArray("blocks");
        if (events.size() > 1) {
            ObjectNode header = blocks.addObject().put("type", "header");
            header.putObject("text").put("type", "plain_text").put("text", events.size() + " AWS events");
        }
        for (Event event : events) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", cut(describe(event), MAX_SECTION_TEXT));
            String link = consoleLink(event);
            if (link != null) {
                ObjectNode button = section.putObject("accessory").put("type", "button").put("url", link);
                button.putObject("text").put("type", "plain_text").put("text", "Open in CloudTrail");
            }
            blocks.addObject().put("type", "divider");
        }
        return message;
    }

    static String describe(Event event) {
        StringBuilder text = new StringBuilder();
        text.append('*').append(escape(or(event.name(), event.kind()))).append("* ").append(result(event.detail()));
        text.append("\nby `").append(escape(or(event.actor(), "unknown"))).append('`');
        text.append("\naccount ").append(escape(or(event.account(), "?")))
                .append(" · ").append(escape(or(event.region(), "?")))
                .append(" · ").append(escape(or(event.service(), "?")));
        text.append("\n").append(escape(or(event.time(), "?")));
        if (event.sourceIp() != null) {
            text.append(" from ").append(escape(event.sourceIp()));
        }
        return text.toString();
    }

    /** Success, or the error: CloudTrail's errorCode/errorMessage, or a console login's Failure. */
    static String result(JsonNode detail) {
        if (detail == null) {
            return "";
        }
        String error = detail.path("errorCode").asText("");
        if (!error.isEmpty()) {
            String message = detail.path("errorMessage").asText("");
            return ":x: " + escape(error) + (message.isEmpty() ? "" : " — " + escape(cut(message, 300)));
        }
        if ("Failure".equals(detail.path("responseElements").path("ConsoleLogin").asText(""))) {
            return ":x: login failed";
        }
        return ":white_check_mark: success";
    }

    /** The event in CloudTrail's event history, in the console of the event's partition; null without an eventID. */
    static String consoleLink(Event event) {
        if (event.detail() == null || !event.detail().path("eventID").isTextual() || event.region() == null) {
            return null;
        }
        String actor = event.actor() == null ? "" : event.actor();
        String console = actor.startsWith("arn:aws-us-gov:") ? "console.amazonaws-us-gov.com"
                : actor.startsWith("arn:aws-cn:") ? "console.amazonaws.cn"
                : event.region() + ".console.aws.amazon.com";
        return "https://" + console + "/cloudtrailv2/home?region=" + event.region() + "#/events/"
                + event.detail().path("eventID").asText();
    }

    static String fallback(List<Event> events) {
        StringBuilder text = new StringBuilder(events.size() == 1 ? "AWS event: " : events.size() + " AWS events: ");
        for (int i = 0; i < events.size() && i < 5; i++) {
            text.append(i == 0 ? "" : ", ").append(or(events.get(i).name(), events.get(i).kind()));
        }
        return cut(text.append(events.size() > 5 ? ", …" : "").toString(), 300);
    }

    /** mrkdwn control characters (Slack's "Escaping text" rules). */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'");
    }

    private static String or(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
