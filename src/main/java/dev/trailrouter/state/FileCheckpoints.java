package dev.trailrouter.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checkpoints for one instance: one file per name under a directory ({@code trailrouter.state.dir}), replaced
 * atomically ({@link AtomicFiles}), so a kill at any moment leaves either the old value or the new one.
 */
public final class FileCheckpoints implements Checkpoints {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final Path dir;

    public FileCheckpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Optional<String> read(String name) {
        Path file = file(name);
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new StateStoreException("checkpoint " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String name, String value) {
        Path file = file(name);
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, value.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StateStoreException("checkpoint " + file + " cannot be written: " + e.getMessage(), e);
        }
    }

    private Path file(String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("checkpoint name " + name + " is not [A-Za-z0-9._-]{1,200}");
        }
        return dir.resolve(name + ".checkpoint");
    }
}
