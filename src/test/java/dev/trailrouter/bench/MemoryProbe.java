package dev.trailrouter.bench;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Run by {@link Benchmarks} in its own JVM ({@code -Xmx256m}): streams one CloudTrail object of the given decompressed
 * size through the real routes and prints peak heap used (sampled every 20 ms), peak RSS (VmHWM) and the event count.
 */
public final class MemoryProbe {

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]);
        Path file = Files.createTempFile("memory-probe", ".json.gz");
        long records;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            records = BenchFiles.write(out, Long.MAX_VALUE, size, 42);
        }
        System.gc();
        AtomicLong peakHeap = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (running.get()) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (PipelineHarness pipeline = new PipelineHarness()) {
            pipeline.s3.put("AWSLogs/1/CloudTrail/us-east-1/big.json.gz", file);
            sampler.start();
            long start = System.nanoTime();
            pipeline.process(BenchFiles.notification("bench-bucket", "AWSLogs/1/CloudTrail/us-east-1/big.json.gz", Files.size(file)));
            long nanos = System.nanoTime() - start;
            running.set(false);
            sampler.join();
            System.out.printf("decompressed=%d stored=%d gets=%d records=%d delivered=%d seconds=%.1f peakHeapMiB=%.1f peakRssMiB=%.1f maxHeapMiB=%d%n",
                    size, Files.size(file), pipeline.s3.gets.get(), records, pipeline.delivered.get(), nanos / 1e9,
                    peakHeap.get() / 1048576.0,
                    vmHwmKiB() / 1024.0, Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static long vmHwmKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
