package dev.arcfleet.executor.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * {@link LiveAzureResource} with two more Azure targets: a European subscription the credentials {@code eua} and
 * {@code eub} may write to, an American one {@code us} may write to, each principal granted only its own subscription
 * in the emulator (as role assignments would), and the default credential only the default subscription.
 */
public class LiveTargetsResource extends LiveAzureResource {
    public static final String EU_SUBSCRIPTION = "2b9e4c7d-1a3f-4e8b-9c6d-5f0a1b2c3d4e";
    public static final String US_SUBSCRIPTION = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    public static final String DEFAULT_PRINCIPAL = "app-default";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        fleet.arm().principal(fleet.armToken(), DEFAULT_PRINCIPAL);
        fleet.arm().grant(DEFAULT_PRINCIPAL, LiveFleet.SUBSCRIPTION);
        config.put("executor.azure.client-id", DEFAULT_PRINCIPAL);
        try {
            Path dir = Files.createTempDirectory("executor-targets");
            for (String name : new String[] {"eua", "eub", "us"}) {
                String token = "arm-token-" + name + "-" + UUID.randomUUID();
                fleet.arm().principal(token, "app-" + name);
                fleet.arm().grant("app-" + name, name.startsWith("eu") ? EU_SUBSCRIPTION : US_SUBSCRIPTION);
                config.put(
                        "executor.azure.credentials." + name + ".token-file",
                        Files.writeString(dir.resolve(name), token).toString());
                config.put("executor.azure.credentials." + name + ".client-id", "app-" + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }
}
