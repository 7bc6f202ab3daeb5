package dev.arcfleet.support.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service accepts as a kubeconfig, read as an attacker would use it: a registered path may point anywhere
 * (a device file, a FIFO, another service's secrets), and a kubeconfig may run a program ({@code exec},
 * {@code auth-provider}) or make the client read other files ({@code tokenFile}, {@code client-certificate},
 * {@code client-key}, {@code certificate-authority}) while it is merely parsed. So: files only inside the configured
 * directory (after following links: Kubernetes mounts Secrets through symlinks), regular files under a size cap, and
 * only inline credentials. Pure apart from reading the file it is given.
 */
public final class KubeconfigRules {
    /** Keys of a kubeconfig's {@code users[].user} that run code or read files. */
    static final Set<String> USER_KEYS_REFUSED =
            Set.of("exec", "auth-provider", "tokenFile", "client-certificate", "client-key");
    /** Keys of {@code clusters[].cluster} that read files. */
    static final Set<String> CLUSTER_KEYS_REFUSED = Set.of("certificate-authority");

    private KubeconfigRules() {}

    /**
     * Why a path is refused, or null: it must be absolute and lie inside {@code dir}, without {@code ..}.
     * {@code dirSetting} names the setting that configures {@code dir}, for the message.
     */
    public static String pathProblem(Path dir, String dirSetting, String path) {
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(Character::isISOControl)) {
            return "must be an absolute file path inside " + dir + ", such as " + dir.resolve("ghent.yaml");
        }
        Path p = Path.of(path);
        if (!p.normalize().equals(p) || path.contains("/../") || path.endsWith("/..")) {
            return "must not contain '.' or '..' segments";
        }
        if (!p.startsWith(dir.toAbsolutePath().normalize())
                || p.equals(dir.toAbsolutePath().normalize())) {
            return "must be a file inside " + dir + " (" + dirSetting + "), where kubeconfigs are mounted";
        }
        return null;
    }

    /**
     * Reads a kubeconfig file under the rules: inside {@code dir} once links are followed, a regular file, at most
     * {@code maxBytes}. The message of the IOException names the rule, never the content.
     */
    public static String read(Path dir, String dirSetting, String path, int maxBytes) throws IOException {
        String problem = pathProblem(dir, dirSetting, path);
        if (problem != null) {
            throw new IOException("the path " + problem);
        }
        Path real = Path.of(path).toRealPath();
        Path realDir = dir.toAbsolutePath().normalize().toRealPath();
        if (!real.startsWith(realDir)) {
            throw new IOException("the file lies outside " + dir + " once its links are followed");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a regular file");
        }
        if (Files.size(real) > maxBytes) {
            throw new IOException("larger than " + maxBytes + " bytes");
        }
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** What in a parsed kubeconfig would run code or read a file: empty when it holds only inline credentials. */
    public static List<String> contentProblems(Map<?, ?> kubeconfig) {
        List<String> problems = new ArrayList<>();
        for (Map<?, ?> user : entries(kubeconfig.get("users"), "user")) {
            for (Object key : user.keySet()) {
                if (USER_KEYS_REFUSED.contains(String.valueOf(key))) {
                    problems.add(
                            "users[].user." + key + " is not accepted (only inline token or client certificate data)");
                }
            }
        }
        for (Map<?, ?> cluster : entries(kubeconfig.get("clusters"), "cluster")) {
            for (Object key : cluster.keySet()) {
                if (CLUSTER_KEYS_REFUSED.contains(String.valueOf(key))) {
                    problems.add("clusters[].cluster." + key + " is not accepted (use certificate-authority-data)");
                }
            }
        }
        return problems;
    }

    private static List<Map<?, ?>> entries(Object list, String field) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m && m.get(field) instanceof Map<?, ?> inner) {
                    out.add(inner);
                }
            }
        }
        return out;
    }
}
