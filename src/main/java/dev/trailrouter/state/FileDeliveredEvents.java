package dev.trailrouter.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dedup for one host: an append-only log, {@code delivered.log} under {@code trailrouter.state.dir}, one line per
 * recorded event ({@code <expires-at epoch seconds> TAB <destination> TAB <event id>}), and in memory the live entries
 * as 128-bit hashes. Several processes on one directory share it (the live consumer and a {@code backfill}): every
 * call takes an exclusive {@link FileLock} on {@code delivered.lock} (a file that is never replaced, so the lock
 * outlives compactions), first reads what the other processes appended since its last call, then answers or appends.
 * So {@link #accepted} sees every record any process made before it.
 *
 * <p>Bounds: an entry lives {@code ttl} (default 7 days) and at most {@code maxEntries} live (default 1,000,000, the
 * oldest recorded dropped first; 109 bytes of heap and 64 bytes of log each for CloudTrail ids, measured by
 * {@code bench/run}, see docs/BENCHMARKS.md). An entry
 * dropped by either bound only means that event, if it came again, would be delivered again: never a loss.
 *
 * <p>Compaction: when the log holds more than twice the live entries (and at least {@value #MIN_COMPACT_LINES}
 * lines), the process holding the lock writes the live entries to a temporary file, forces it to disk and renames it
 * over the log. A reader only reads under the lock, and notices the replacement by the log's file key (its inode),
 * then re-reads the new log from the start: it never sees a half-written file. A kill during compaction leaves the
 * old log and a stray temporary file.
 *
 * <p>A line that cannot be parsed (a torn last line after a kill in the middle of a write, or damage) is skipped and
 * reported in one WARN line per read with the count and the first offset; the lines after it are read. A torn last
 * line is terminated before the next append, so it cannot swallow the next record.
 *
 * <p>Claims ({@link #claim}): between {@link #accepted} and {@link #record} an event is being delivered, and another
 * process on the directory must not deliver it at the same moment (the live consumer and a backfill reading the same
 * object). Claims are a second append-only log, {@code claims.log}, read and written under the same lock: a line
 * {@code C TAB <holder> TAB <epoch millis> TAB <destination> TAB <event id>} claims, a line {@code R TAB <holder> TAB
 * <destination> TAB <event id>} releases; a record ends its claims without a line (the event is then accepted, which
 * every process checks first). A holder is one store object: its process id, the process's start time and a number.
 * A claim counts only while its process lives (a {@code kill -9} ends its claims at once) and for at most
 * {@link #CLAIM_TTL}. Every {@value #MIN_CLAIM_COMPACT_LINES} lines (or twice the claims live at the last compaction)
 * the claims log is rewritten with the claims that still count and renamed over, as the dedup log is.
 *
 * <p>Why not Camel's {@code FileIdempotentRepository} (camel-support 4.17): it has no TTL, opens the file for every
 * {@code add}, keeps its entries in an LRU cache of one process and takes no lock, so a second process neither sees
 * the first one's records nor may safely append or truncate the same file; and it answers one key per call.
 */
public final class FileDeliveredEvents implements DeliveredEvents, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.state");
    static final String LOG_FILE = "delivered.log";
    static final String LOCK_FILE = "delivered.lock";
    static final int MIN_COMPACT_LINES = 10_000;
    static final String CLAIMS_FILE = "claims.log";
    static final int MIN_CLAIM_COMPACT_LINES = 10_000;
    /** A claim older than this counts no more, even if its process lives (a delivery stuck that long is retried). */
    static final Duration CLAIM_TTL = Duration.ofMinutes(10);
    private static final java.util.concurrent.atomic.AtomicLong HOLDERS = new java.util.concurrent.atomic.AtomicLong();
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

    /** One lock per directory within this JVM: a FileLock is held per process, two channels of one JVM would clash. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path logFile;
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final BiConsumer<String, Integer> requests;
    private final ReentrantLock jvmLock;
    /** Live entries by hash, oldest recorded first; value: expiry in epoch seconds. Guarded by jvmLock. */
    private final LinkedHashMap<Key, Long> entries;
    private FileChannel lockChannel;
    private FileChannel log;
    private Object logKey;
    private long readOffset;
    private long lines;
    private boolean torn;
    private long lastSweep;
    private volatile boolean fsync;
    private final Path claimsFile;
    /** This store object's name in the claims log: process id, process start (epoch millis), a number. */
    private final String holder;
    /** Claims read from the claims log (every holder's), by destination and event id. Guarded by jvmLock. */
    private final Map<Key, Claim> claims = new java.util.HashMap<>();
    private FileChannel claimsLog;
    private Object claimsKey;
    private long claimsOffset;
    private long claimLines;
    private boolean claimsTorn;
    /** Lines of the claims log at which it is compacted: twice the live claims of the last compaction, at least 10,000. */
    private long claimsCompactAt = MIN_CLAIM_COMPACT_LINES;

    public FileDeliveredEvents(Path dir, Duration ttl, int maxEntries, Clock clock, BiConsumer<String, Integer> requests) {
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("the dedup TTL must be positive and max entries at least 1");
        }
        this.dir = dir;
        this.logFile = dir.resolve(LOG_FILE);
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.requests = requests == null ? (op, n) -> { } : requests;
        this.jvmLock = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        this.claimsFile = dir.resolve(CLAIMS_FILE);
        ProcessHandle self = ProcessHandle.current();
        this.holder = self.pid() + ":" + self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L)
                + ":" + HOLDERS.incrementAndGet();
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                return size() > FileDeliveredEvents.this.maxEntries;
            }
        };
    }

    public FileDeliveredEvents(Path dir, Duration ttl, int maxEntries) {
        this(dir, ttl, maxEntries, Clock.systemUTC(), null);
    }

    /**
     * Opens the directory and reads the log, so a directory that cannot be used stops start-up with one line instead
     * of failing the first message.
     */
    public FileDeliveredEvents open() {
        locked(() -> null);
        return this;
    }

    /**
     * Whether each record is forced to disk before {@code record} returns ({@code trailrouter.state.fsync}, default
     * off). Without it a record is in the operating system's page cache when {@code record} returns: it survives a
     * kill of the process (the failure dedup is for), and only a crash of the host may forget the last records, which
     * means duplicates, never a loss. With it, every recorded part waits for the disk (measured in docs/BENCHMARKS.md).
     */
    public FileDeliveredEvents fsync(boolean force) {
        this.fsync = force;
        return this;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String storeName() {
        return "file";
    }

    @Override
    public Set<String> accepted(String destination, Collection<String> eventIds) {
        requests.accept("read", 1);
        return locked(() -> {
            long now = clock.instant().getEpochSecond();
            Set<String> found = new LinkedHashSet<>();
            for (String id : eventIds) {
                Long expires = entries.get(Key.of(destination, id));
                if (expires != null && expires > now) {
                    found.add(id);
                }
            }
            return found;
        });
    }

    @Override
    public void record(String destination, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        requireClean(destination, "destination");
        requests.accept("write", 1);
        locked(() -> {
            long expires = clock.instant().plus(ttl).getEpochSecond();
            StringBuilder out = new StringBuilder(eventIds.size() * 80);
            if (torn) {
                out.append('\n'); // ends the torn last line: the next record starts a line of its own
            }
            for (String id : eventIds) {
                requireClean(id, "event id");
                out.append(expires).append('\t').append(destination).append('\t').append(id).append('\n');
                Key key = Key.of(destination, id);
                entries.remove(key); // re-recorded: it moves to the young end
                entries.put(key, expires);
            }
            ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            log.position(log.size());
            while (bytes.hasRemaining()) {
                log.write(bytes);
            }
            if (fsync) {
                log.force(false);
            }
            // only once the record is written: a claim whose record failed stays ours, so it can still be released
            // (another process would otherwise see it live, and wait, until its TTL)
            for (String id : eventIds) {
                Key key = Key.of(destination, id);
                Claim claim = claims.get(key);
                if (claim != null && claim.holder().equals(holder)) {
                    claims.remove(key); // accepted now: every process checks that before a claim
                }
            }
            readOffset = log.size();
            lines += eventIds.size();
            torn = false;
            if (lines >= MIN_COMPACT_LINES && compactionDue()) {
                compact();
            }
            return null;
        });
    }

    @Override
    public Set<String> claim(String destination, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        requireClean(destination, "destination");
        requests.accept("claim", 1);
        return locked(() -> {
            catchUpClaims();
            long nowMillis = clock.millis();
            long now = nowMillis / 1000;
            Set<String> refused = new LinkedHashSet<>();
            Map<String, Boolean> alive = new java.util.HashMap<>();
            StringBuilder out = new StringBuilder(eventIds.size() * 100);
            for (String id : eventIds) {
                requireClean(id, "event id");
                Key key = Key.of(destination, id);
                Long expires = entries.get(key);
                if (expires != null && expires > now) {
                    refused.add(id); // accepted meanwhile
                    continue;
                }
                Claim other = claims.get(key);
                if (other != null && !other.holder().equals(holder) && live(other, nowMillis, alive)) {
                    refused.add(id);
                    continue;
                }
                claims.put(key, new Claim(holder, nowMillis, destination, id));
                out.append("C\t").append(holder).append('\t').append(nowMillis).append('\t').append(destination)
                        .append('\t').append(id).append('\n');
                claimLines++;
            }
            appendClaims(out);
            if (claimLines >= claimsCompactAt) {
                compactClaims(nowMillis, alive);
            }
            return refused;
        });
    }

    @Override
    public void release(String destination, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        locked(() -> {
            catchUpClaims();
            StringBuilder out = new StringBuilder();
            for (String id : eventIds) {
                Key key = Key.of(destination, id);
                Claim claim = claims.get(key);
                if (claim != null && claim.holder().equals(holder)) {
                    claims.remove(key);
                    out.append("R\t").append(holder).append('\t').append(destination).append('\t').append(id)
                            .append('\n');
                    claimLines++;
                }
            }
            if (out.length() > 0) {
                requests.accept("release", 1);
                appendClaims(out);
            }
            return null;
        });
    }

    /** One claim as read from the claims log. */
    record Claim(String holder, long atMillis, String destination, String id) {
    }

    /** Whether a claim still counts: not older than {@link #CLAIM_TTL}, and its process (same start time) runs. */
    private static boolean live(Claim claim, long nowMillis, Map<String, Boolean> alive) {
        if (nowMillis - claim.atMillis() > CLAIM_TTL.toMillis()) {
            return false;
        }
        return alive.computeIfAbsent(claim.holder(), h -> {
            String[] parts = h.split(":");
            try {
                long pid = Long.parseLong(parts[0]);
                long start = Long.parseLong(parts[1]);
                return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> start == 0
                        || p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(start) == start)
                        .orElse(false);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private void appendClaims(StringBuilder out) throws IOException {
        if (out.length() == 0) {
            return;
        }
        if (claimsTorn) {
            out.insert(0, '\n');
            claimsTorn = false;
        }
        ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
        claimsLog.position(claimsLog.size());
        while (bytes.hasRemaining()) {
            claimsLog.write(bytes);
        }
        claimsOffset = claimsLog.size();
    }

    /** Reads what was appended to the claims log since the last call, or all of it when it was replaced. */
    private void catchUpClaims() throws IOException {
        Object key;
        try {
            key = Files.readAttributes(claimsFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException none) {
            key = null;
        }
        if (claimsLog == null || key == null || !key.equals(claimsKey)) {
            if (claimsLog != null) {
                claimsLog.close();
            }
            claimsLog = FileChannel.open(claimsFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            claimsKey = Files.readAttributes(claimsFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            claims.clear();
            claimsOffset = 0;
            claimLines = 0;
        }
        long size = claimsLog.size();
        if (size <= claimsOffset) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - claimsOffset));
        while (bytes.hasRemaining() && claimsLog.read(bytes, claimsOffset + bytes.position()) > 0) {
            // reading to the end
        }
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        claimsTorn = end < text.length(); // a kill cut the last line: skipped, ended before the next append
        for (String line : text.substring(0, end).split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 5 && f[0].equals("C")) {
                try {
                    claims.put(Key.of(f[3], f[4]), new Claim(f[1], Long.parseLong(f[2]), f[3], f[4]));
                } catch (NumberFormatException garbled) {
                    continue;
                }
            } else if (f.length == 4 && f[0].equals("R")) {
                Key k = Key.of(f[2], f[3]);
                Claim c = claims.get(k);
                if (c != null && c.holder().equals(f[1])) {
                    claims.remove(k);
                }
            } else {
                continue;
            }
            claimLines++;
        }
        claimsOffset = claimsOffset + text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Rewrites the claims log with the claims that still count (live holder, not accepted since). */
    private void compactClaims(long nowMillis, Map<String, Boolean> alive) throws IOException {
        long now = nowMillis / 1000;
        claims.entrySet().removeIf(e -> {
            Long expires = entries.get(e.getKey());
            return (expires != null && expires > now) || !live(e.getValue(), nowMillis, alive);
        });
        Path temp = Files.createTempFile(dir, "." + CLAIMS_FILE + ".", ".tmp");
        StringBuilder out = new StringBuilder();
        for (Claim c : claims.values()) {
            out.append("C\t").append(c.holder()).append('\t').append(c.atMillis()).append('\t').append(c.destination())
                    .append('\t').append(c.id()).append('\n');
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(channel, out);
        }
        try {
            Files.move(temp, claimsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, claimsFile, StandardCopyOption.REPLACE_EXISTING);
        }
        claimsLog.close();
        claimsLog = FileChannel.open(claimsFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        claimsKey = Files.readAttributes(claimsFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        claimsOffset = claimsLog.size();
        claimLines = claims.size();
        claimsTorn = false;
        claimsCompactAt = Math.max(MIN_CLAIM_COMPACT_LINES, 2L * claims.size());
    }

    /** Live entries held in memory (after dropping expired ones). */
    public int size() {
        return locked(() -> {
            dropExpired();
            return entries.size();
        });
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    private <T> T locked(Locked<T> action) {
        jvmLock.lock();
        try {
            if (lockChannel == null) {
                Files.createDirectories(dir);
                lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            try (FileLock ignored = lockChannel.lock()) {
                catchUp();
                return action.run();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StateStoreException s) {
                throw s;
            }
            throw new StateStoreException("dedup log " + logFile + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Reads what was appended since the last call, or the whole log when it was replaced by a compaction. */
    private void catchUp() throws IOException {
        Object key;
        try {
            key = Files.readAttributes(logFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException none) {
            key = null;
        }
        if (log == null || key == null || !key.equals(logKey)) {
            if (log != null) {
                log.close();
            }
            log = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            logKey = Files.readAttributes(logFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            entries.clear();
            readOffset = 0;
            lines = 0;
        }
        long size = log.size();
        if (size <= readOffset) {
            return;
        }
        readLines(readOffset, size);
    }

    /**
     * Reads the log's lines in [from, to) into memory, straight from the bytes (no String per line: a start-up
     * reading a million lines is dominated by the hash per line).
     */
    private void readLines(long from, long to) throws IOException {
        long now = clock.instant().getEpochSecond();
        byte[] buffer = new byte[1 << 20];
        int held = 0; // bytes of an unfinished line carried over from the previous read
        long position = from; // file offset of buffer[0]
        int bad = 0;
        long firstBad = -1;
        while (position + held < to) {
            if (held == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2); // a line longer than the buffer
            }
            ByteBuffer into = ByteBuffer.wrap(buffer, held, (int) Math.min(buffer.length - held, to - position - held));
            int n = log.read(into, position + held);
            if (n <= 0) {
                break;
            }
            int end = held + n;
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (buffer[i] == '\n') {
                    if (i > start && !apply(buffer, start, i, now)) {
                        bad++;
                        firstBad = firstBad < 0 ? position + start : firstBad;
                    }
                    start = i + 1;
                }
            }
            System.arraycopy(buffer, start, buffer, 0, end - start);
            held = end - start;
            position += start;
        }
        torn = held > 0;
        if (torn) {
            // no writer is in the middle of a write (we hold the lock): a kill cut this line. Skipped; terminated
            // by the next append.
            bad++;
            firstBad = firstBad < 0 ? position : firstBad;
        }
        readOffset = position + held;
        if (bad > 0) {
            LOG.warn("dedup log {}: {} unreadable line(s) skipped, the first at byte {}; the other lines are used",
                    logFile, bad, firstBad);
        }
    }

    /** One log line ({@code bytes[from, to)}) into memory; false when it cannot be parsed. */
    private boolean apply(byte[] bytes, int from, int to, long now) {
        int a = -1;
        int b = -1;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\t') {
                if (a < 0) {
                    a = i;
                } else {
                    b = i;
                    break;
                }
            }
        }
        if (a <= from || b <= a + 1 || b >= to - 1 || a - from > 18) {
            return false;
        }
        long expires = 0;
        for (int i = from; i < a; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return false;
            }
            expires = expires * 10 + digit;
        }
        lines++;
        if (expires > now) {
            Key key = Key.of(bytes, a + 1, b, b + 1, to);
            entries.remove(key);
            entries.put(key, expires);
        }
        return true;
    }

    /**
     * More than half the log's lines are dead (superseded, expired or evicted). Expired entries are swept first, at
     * most once a minute: a sweep walks every entry.
     */
    private boolean compactionDue() {
        if (lines > 2L * entries.size()) {
            return true;
        }
        long now = clock.millis();
        if (now - lastSweep < 60_000) {
            return false;
        }
        lastSweep = now;
        dropExpired();
        return lines > 2L * entries.size();
    }

    private void dropExpired() {
        long now = clock.instant().getEpochSecond();
        entries.values().removeIf(expires -> expires <= now);
    }

    /**
     * Rewrites the log with the live entries only. They are rewritten from the log itself (memory holds hashes, not
     * ids): each line is kept when its entry is live and the line is the entry's latest.
     */
    private void compact() throws IOException {
        dropExpired();
        Path temp = Files.createTempFile(dir, "." + LOG_FILE + ".", ".tmp");
        long kept = 0;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                     java.nio.channels.Channels.newInputStream(log.position(0)), StandardCharsets.UTF_8), 64 * 1024)) {
            StringBuilder chunk = new StringBuilder(64 * 1024);
            String text;
            while ((text = in.readLine()) != null) {
                int a = text.indexOf('\t');
                int b = a < 0 ? -1 : text.indexOf('\t', a + 1);
                if (a <= 0 || b <= a + 1) {
                    continue;
                }
                Long live = entries.get(Key.of(text.substring(a + 1, b), text.substring(b + 1)));
                if (live == null || !text.startsWith(live + "\t")) {
                    continue;
                }
                chunk.append(text).append('\n');
                kept++;
                if (chunk.length() > 60 * 1024) {
                    write(out, chunk);
                }
            }
            write(out, chunk);
            out.force(true);
        }
        try {
            Files.move(temp, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, logFile, StandardCopyOption.REPLACE_EXISTING);
        }
        long before = lines;
        log.close();
        log = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        logKey = Files.readAttributes(logFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        readOffset = log.size();
        lines = kept;
        LOG.info("dedup log {} compacted: {} lines to {}", logFile, before, kept);
    }

    private static void write(FileChannel out, StringBuilder chunk) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(chunk.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        chunk.setLength(0);
    }

    private static void requireClean(String value, String what) {
        if (value.isEmpty() || value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a " + what + " for the dedup log must be non-empty, without tab or newline");
        }
    }

    @Override
    public void close() {
        List<Claim> mine = new java.util.ArrayList<>();
        jvmLock.lock();
        try {
            claims.values().stream().filter(c -> c.holder().equals(holder)).forEach(mine::add);
        } finally {
            jvmLock.unlock();
        }
        try {
            // this holder's last claims end now, not when the process does (a store closed in a running JVM)
            mine.stream().collect(java.util.stream.Collectors.groupingBy(Claim::destination,
                    java.util.stream.Collectors.mapping(Claim::id, java.util.stream.Collectors.toList())))
                    .forEach(this::release);
        } catch (RuntimeException e) {
            LOG.debug("claims not released on close: {}", e.getMessage());
        }
        jvmLock.lock();
        try {
            for (FileChannel channel : new FileChannel[] {log, lockChannel, claimsLog}) {
                if (channel != null) {
                    channel.close();
                }
            }
            log = null;
            lockChannel = null;
            claimsLog = null;
        } catch (IOException e) {
            // closing anyway
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * An entry's identity in memory: the first 128 bits of SHA-256 over destination and id. Two longs instead of the
     * strings keep an entry near 110 bytes of heap; a collision (about 2^-64 at 2^32 entries) would make one event
     * count as already delivered.
     */
    record Key(long high, long low) {
        private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JRE", e);
            }
        });

        static Key of(String destination, String id) {
            MessageDigest sha = SHA.get();
            sha.update(destination.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return of(sha.digest(id.getBytes(StandardCharsets.UTF_8)));
        }

        /** The same key from a log line's UTF-8 bytes: destination {@code [d0, d1)}, id {@code [i0, i1)}. */
        static Key of(byte[] bytes, int d0, int d1, int i0, int i1) {
            MessageDigest sha = SHA.get();
            sha.update(bytes, d0, d1 - d0);
            sha.update((byte) 0);
            sha.update(bytes, i0, i1 - i0);
            return of(sha.digest());
        }

        private static Key of(byte[] digest) {
            ByteBuffer b = ByteBuffer.wrap(digest);
            return new Key(b.getLong(), b.getLong());
        }
    }
}
