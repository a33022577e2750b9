package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Memory does not grow with object size: a 384 MB CloudTrail file (decompressed) goes through the real decode chain
 * in a JVM limited to a 48 MB heap. Holding the object, or even a fraction of it, would end in OutOfMemoryError.
 * (Throughput and the heap actually used are measured by bench/, not here.)
 */
class FlatMemoryTest {

    @Test
    void objectEightTimesLargerThanTheHeapStreamsThrough() throws Exception {
        long size = 384L * 1024 * 1024;
        Path log = Files.createTempFile("probe", ".log");
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                LargeObjectProbe.class.getName(), Long.toString(size))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(probe.waitFor(5, TimeUnit.MINUTES), "probe did not finish");
        String output = Files.readString(log);
        assertEquals(0, probe.exitValue(), output);
        assertTrue(output.contains("events="), output);
        long bytes = Long.parseLong(output.replaceAll("(?s).*bytes=(\\d+).*", "$1"));
        assertTrue(bytes >= size, output);
    }
}
