package dev.arcfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The admin token of the services a test starts as processes: written once per JVM to an owner-only temp file, whose
 * path goes to inventory-service as {@code FLEET_AUTH_ADMIN_TOKEN_FILE}; tests send it as a bearer token for writes.
 */
public final class LocalAdminToken {
    public static final String TOKEN = "afo_test-" + UUID.randomUUID();
    public static final String ENV = "FLEET_AUTH_ADMIN_TOKEN_FILE";
    private static Path file;

    private LocalAdminToken() {}

    public static synchronized String file() {
        if (file == null) {
            try {
                Path written = Files.createTempFile("admin-token-", ".txt");
                Files.writeString(written, TOKEN + "\n");
                written.toFile().deleteOnExit();
                file = written;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file.toString();
    }

    public static String header() {
        return "Bearer " + TOKEN;
    }
}
