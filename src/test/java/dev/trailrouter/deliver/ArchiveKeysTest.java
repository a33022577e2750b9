package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

class ArchiveKeysTest {

    private static Event at(String time, String key, long index) {
        Origin origin = Origin.ofMessage("orgtrail", "m-" + index).atObject("trail-bucket", key).atIndex(index);
        return new Event("id", time, "cloudtrail", "111122223333", "us-east-2", null, null, null, null, null, origin, null);
    }

    @Test
    void partitionsByKindAccountRegionAndHourOfTheEvent() {
        assertEquals("archive/cloudtrail/111122223333/us-east-2/2014/07/16/15",
                ArchiveKeys.partition("/archive/", at("2014-07-16T15:49:27Z", "k", 0)));
        assertEquals("cloudtrail/111122223333/us-east-2/unknown-time", ArchiveKeys.partition("", at(null, "k", 0)));
    }

    @Test
    void nameIsDerivedFromTheSourceObjectAndPosition() {
        String key = "AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/111122223333_CloudTrail_us-east-2_20140716T1550Z_x.json.gz";
        String name = ArchiveKeys.name(at("2014-07-16T15:49:27Z", key, 100));
        assertTrue(name.matches("111122223333_CloudTrail_us-east-2_20140716T1550Z_x-[0-9a-f]{12}-0000100\\.json\\.gz"), name);
        assertEquals(name, ArchiveKeys.name(at("2014-07-16T15:49:27Z", key, 100)), "same origin, same name");
        assertNotEquals(name, ArchiveKeys.name(at("2014-07-16T15:49:27Z", key, 200)));
        assertNotEquals(name, ArchiveKeys.name(at("2014-07-16T15:49:27Z", "other/" + key, 100)));
    }
}
