package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;

class SlackMessageTest {

    private static Event event(String fixture, int line) throws Exception {
        String[] lines = Fixtures.text(fixture).strip().split("\n");
        return CloudTrailEvents.fromRecord(Fixtures.JSON.readTree(lines[line]), Origin.ofMessage("q", "m").atIndex(line));
    }

    @Test
    void groupsEventsIntoOneBlockKitMessage() throws Exception {
        // elastic/integrations console-login sample: a success and a failure
        Event ok = event("cloudtrail/test-console-login-json.log", 0);
        Event failed = event("cloudtrail/test-console-login-json.log", 1);
        ObjectNode message = SlackMessage.render(Fixtures.JSON, List.of(ok, failed));
        JsonNode blocks = message.get("blocks");
        assertEquals("header", blocks.get(0).get("type").asText());
        assertEquals("2 AWS events", blocks.get(0).get("text").get("text").asText());
        assertEquals(1 + 2 * 2, blocks.size());
        String first = blocks.get(1).get("text").get("text").asText();
        assertTrue(first.contains("*ConsoleLogin* :white_check_mark: success"), first);
        assertTrue(first.contains("by `arn:aws:iam::111122223333:user/JohnDoe`"), first);
        assertTrue(first.contains("account 111122223333 · us-east-2 · signin.amazonaws.com"), first);
        assertTrue(first.contains("2014-07-16T15:49:27Z from 89.160.20.156"), first);
        assertEquals("https://us-east-2.console.aws.amazon.com/cloudtrailv2/home?region=us-east-2#/events/"
                + "3fcfb182-98f8-4744-bd45-10aEXAMPLE", blocks.get(1).get("accessory").get("url").asText());
        String second = blocks.get(3).get("text").get("text").asText();
        assertTrue(second.contains(":x: Failed authentication") || second.contains(":x: login failed"), second);
        assertEquals("2 AWS events: ConsoleLogin, ConsoleLogin", message.get("text").asText());
    }

    @Test
    void singleEventHasNoHeaderAndEventsWithoutIdsNoLink() throws Exception {
        Event noId = event("cloudtrail/beats__create-user-json.log", 0); // this sample has no eventID
        ObjectNode message = SlackMessage.render(Fixtures.JSON, List.of(noId));
        assertEquals("section", message.get("blocks").get(0).get("type").asText());
        assertNull(message.get("blocks").get(0).get("accessory"));
        assertNull(SlackMessage.consoleLink(noId));
    }

    @Test
    void escapesMrkdwnControlCharacters() {
        assertEquals("a &lt;b&gt; &amp; 'c'", SlackMessage.escape("a <b> & `c`"));
        assertFalse(SlackMessage.escape("<!channel>").contains("<"));
    }
}
