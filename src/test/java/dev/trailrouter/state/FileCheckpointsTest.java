package dev.trailrouter.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aValueWrittenIsReadBackByANewInstanceAndReplacedWhole() {
        FileCheckpoints first = new FileCheckpoints(dir.resolve("state"));
        assertEquals(Optional.empty(), first.read("lookup-us-east-1"));
        first.write("lookup-us-east-1", "{\"time\":\"2026-11-30T10:00:00Z\"}");
        first.write("lookup-us-east-1", "{\"time\":\"2026-11-30T10:01:00Z\"}");
        assertEquals(Optional.of("{\"time\":\"2026-11-30T10:01:00Z\"}"),
                new FileCheckpoints(dir.resolve("state")).read("lookup-us-east-1"));
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        FileCheckpoints checkpoints = new FileCheckpoints(dir);
        checkpoints.write("a", "1");
        checkpoints.write("a", "2");
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of("a.checkpoint"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aCheckpointThatCannotBeReadIsAnErrorNotAFreshStart() throws Exception {
        Files.createDirectories(dir.resolve("b.checkpoint")); // a directory where the file should be
        StateStoreException e = assertThrows(StateStoreException.class, () -> new FileCheckpoints(dir).read("b"));
        assertTrue(e.getMessage().contains("b.checkpoint"), e.getMessage());
    }

    @Test
    void namesThatCouldEscapeTheDirectoryAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FileCheckpoints(dir).write("../x", "1"));
    }
}
