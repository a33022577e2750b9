package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;

class EventFilterTest {

    /** The elastic/integrations console-login sample: two successful logins and one failure. */
    private static List<Event> logins() throws Exception {
        String[] lines = Fixtures.text("cloudtrail/test-console-login-json.log").strip().split("\n");
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            events.add(CloudTrailEvents.fromRecord(Fixtures.JSON.readTree(lines[i]), Origin.ofMessage("q", "m").atIndex(i)));
        }
        return events;
    }

    private static List<String> actors(String filter) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            return EventFilter.compile(context, filter).apply(logins()).stream().map(Event::actor).toList();
        }
    }

    /**
     * Terms that read one Event field whole are evaluated from exchange properties, not through the bean language:
     * every filter gives the same answer as the plain Simple predicate, on the console-login sample's events, on one
     * sample event of every kind (SampleEvents) and on an event with no fields at all.
     */
    @Test
    void fieldTermsAnswerAsTheBeanLanguageDoes() throws Exception {
        List<String> filters = List.of(
                "${body.readOnly} != true", "${body.readOnly} == false", "${body.readOnly} == null",
                "${body.name} == 'ConsoleLogin'", "${body.name} in 'ConsoleLogin,CreateUser' && ${body.kind} == 'cloudtrail'",
                "${body.actor} contains 'JaneDoe' || ${body.sourceIp} startsWith '89.'", "${body.account} == 111122223333",
                "${body.region} regex 'us-.*'", "${body.service} == null", "${body.id} != null && ${body.time} > '2014'",
                "${body.origin} != null", "${body.detail} != null", "${body.detail.has('errorCode')} == true",
                "${body.name.startsWith('Console')} == true", "${body?.name} == 'ConsoleLogin'",
                "${body.name} == '${body.name}'", "${body.kind} == 'cloudtrail' && ${body.readOnly} != true");
        List<Event> events = new java.util.ArrayList<>(logins());
        events.addAll(dev.trailrouter.decode.SampleEvents.byKind(Fixtures.JSON).values());
        events.add(new Event(null, null, null, null, null, null, null, null, null, null, null, null));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            for (String filter : filters) {
                org.apache.camel.Predicate plain = context.resolveLanguage("simple").createPredicate(filter);
                plain.init(context);
                EventFilter compiled = EventFilter.compile(context, filter);
                for (Event event : events) {
                    org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
                    exchange.getIn().setBody(event);
                    String expected = outcome(() -> plain.matches(exchange));
                    String actual = outcome(() -> !compiled.apply(List.of(event)).isEmpty());
                    assertEquals(expected, actual, filter + " on " + event.kind() + " " + event.id());
                }
            }
        }
    }

    private static String outcome(java.util.function.BooleanSupplier evaluation) {
        try {
            return Boolean.toString(evaluation.getAsBoolean());
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    @Test
    void emptyFilterKeepsEverything() throws Exception {
        assertEquals(3, actors("").size());
    }

    @Test
    void filtersOnEventFields() throws Exception {
        assertEquals(List.of("arn:aws:iam::111122223333:user/JaneDoe"),
                actors("${body.actor} == 'arn:aws:iam::111122223333:user/JaneDoe'"));
        assertEquals(3, actors("${body.name} in 'ConsoleLogin,CreateUser' && ${body.kind} == 'cloudtrail'").size());
        assertEquals(0, actors("${body.region} == 'eu-west-1'").size());
    }

    @Test
    void filtersOnTheOriginalRecord() throws Exception {
        // the sample's second and third logins failed
        assertEquals(List.of("arn:aws:iam::111122223333:user/JaneDoe",
                        "arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName"),
                actors("${body.detail.path('responseElements').path('ConsoleLogin').asText()} == 'Failure'"));
    }

    @Test
    void theShippedExampleFiltersWork() throws Exception {
        // routes/destinations/slack.yaml.example and signed-webhook.yaml.example
        assertEquals(3, actors("${body.name} == 'ConsoleLogin' || ${body.detail.has('errorCode')} == true").size());
        assertEquals(3, actors("${body.readOnly} != true").size(), "CloudTrail login records carry no readOnly");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Event failedCall = CloudTrailEvents.fromRecord(Fixtures.JSON.readTree(
                    "{\"eventID\":\"x\",\"eventName\":\"DeleteTrail\",\"errorCode\":\"AccessDenied\",\"readOnly\":false}"),
                    Origin.ofMessage("q", "m"));
            Event read = CloudTrailEvents.fromRecord(Fixtures.JSON.readTree(
                    "{\"eventID\":\"y\",\"eventName\":\"GetTrail\",\"readOnly\":true}"), Origin.ofMessage("q", "m"));
            assertEquals(List.of(failedCall), EventFilter.compile(context,
                    "${body.name} == 'ConsoleLogin' || ${body.detail.has('errorCode')} == true").apply(List.of(failedCall, read)));
            assertEquals(List.of(failedCall), EventFilter.compile(context, "${body.readOnly} != true")
                    .apply(List.of(failedCall, read)));
        }
    }

    private static String refusal(String filter) {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            var samples = dev.trailrouter.decode.SampleEvents.byKind(Fixtures.JSON);
            EventFilter.compile(context, filter).checkOn(samples, filter);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFilterNamingAFieldTheEventDoesNotHaveIsRefusedBeforeAnythingIsConsumed() {
        String message = refusal("${body.nmae} == 'x'");
        assertNotNull(message, "a misspelled field fails every event at run time");
        assertTrue(message.startsWith("'${body.nmae} == 'x'' names 'nmae', which an Event does not have"), message);
    }

    @Test
    void filtersThatWorkOnSomeKindsOnlyAreAccepted() {
        assertNull(refusal("${body.name} in 'ConsoleLogin,CreateUser'"));
        assertNull(refusal("${body.detail.has('errorCode')} == true"));
        assertNull(refusal("${body.readOnly} != true && ${body.kind} == 'cloudtrail'"));
        assertNull(refusal("${body.detail.get('eventName').asText()} == 'ConsoleLogin'"),
                "null detail fields on other kinds are not a mistake in the filter");
    }
}
