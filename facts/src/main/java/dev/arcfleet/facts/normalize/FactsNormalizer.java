package dev.arcfleet.facts.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.Virtualization;
import dev.arcfleet.facts.classify.OsClassifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a validated registration into normalized {@link NodeFacts}: trimmed text, canonical architecture names,
 * os-release keys upper-case with quotes removed, capabilities as a sorted set, the OS identity, and a
 * {@code factsHash} over exactly these normalized facts (not over when or how they arrived), so the same facts sent
 * twice hash the same.
 */
public class FactsNormalizer {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .build();

    private final OsClassifier classifier;

    public FactsNormalizer(OsClassifier classifier) {
        this.classifier = classifier;
    }

    public NodeFacts normalize(
            Registration r, FactsSource source, Instant observedAt, String eventId, String correlationId) {
        String nodeId = r.deviceId().trim();
        Map<String, String> osRelease = osRelease(r.osRelease());
        HostFacts host = host(r.host());
        ClusterRef cluster = r.cluster() == null || r.cluster().id() == null
                ? null
                : new ClusterRef(r.cluster().id().trim(), trimToNull(r.cluster().distribution()));
        Virtualization virtualization = r.virtualization() == null ? null : r.virtualization();
        DeviceClass deviceClass = r.deviceClass() == null
                ? DeviceClass.SERVER
                : DeviceClass.valueOf(r.deviceClass().trim().toUpperCase(Locale.ROOT));
        List<Capability> capabilities = capabilities(r.requiredCapabilities());
        Map<String, String> labels = r.labels() == null ? Map.of() : new TreeMap<>(r.labels());
        String osImage = trimToNull(r.osImage());
        String kernelVersion = trimToNull(r.kernelVersion());
        OsIdentity os = classifier.classify(osRelease, osImage, kernelVersion, host);
        NodeFacts unhashed = new NodeFacts(
                eventId,
                correlationId,
                observedAt,
                nodeId,
                trimToNull(r.hostname()),
                trimToNull(r.site()),
                deviceClass,
                osRelease,
                osImage,
                kernelVersion,
                host,
                cluster,
                virtualization,
                capabilities,
                labels,
                source,
                observedAt,
                os,
                null);
        return withHash(unhashed);
    }

    /** The same facts with {@code factsHash} set: SHA-256 over the canonical JSON of the facts alone. */
    public static NodeFacts withHash(NodeFacts f) {
        Map<String, Object> facts = new TreeMap<>();
        facts.put("nodeId", f.nodeId());
        facts.put("hostname", f.hostname());
        facts.put("site", f.site());
        facts.put("deviceClass", f.deviceClass());
        facts.put("osRelease", f.osRelease());
        facts.put("osImage", f.osImage());
        facts.put("kernelVersion", f.kernelVersion());
        facts.put("host", f.host());
        facts.put("cluster", f.cluster());
        facts.put("virtualization", f.virtualization());
        facts.put("requiredCapabilities", f.requiredCapabilities());
        facts.put("labels", f.labels());
        facts.put("os", f.os());
        return f.withFactsHash(sha256(canonicalJson(facts)));
    }

    static Map<String, String> osRelease(Map<String, String> raw) {
        Map<String, String> result = new TreeMap<>();
        if (raw == null) {
            return result;
        }
        raw.forEach((k, v) -> {
            if (k != null && v != null) {
                result.put(k.trim().toUpperCase(Locale.ROOT), unquote(v.trim()));
            }
        });
        return result;
    }

    static HostFacts host(HostFacts h) {
        if (h == null) {
            return null;
        }
        return new HostFacts(
                architecture(h.architecture()),
                h.cpuCores(),
                h.memoryMiB(),
                h.readOnlyUsr(),
                h.ostreeBooted(),
                h.packageManager() == null ? null : h.packageManager().trim().toLowerCase(Locale.ROOT));
    }

    /** Kubernetes and Go name architectures {@code amd64}/{@code arm64}; uname says {@code x86_64}/{@code aarch64}. */
    static String architecture(String arch) {
        if (arch == null || arch.isBlank()) {
            return null;
        }
        String a = arch.trim().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "x86_64", "x86-64", "x64", "amd64" -> "amd64";
            case "aarch64", "arm64", "armv8" -> "arm64";
            case "armv7l", "armv7", "arm", "armhf" -> "arm";
            default -> a;
        };
    }

    private static List<Capability> capabilities(List<String> names) {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        if (names != null) {
            names.forEach(n -> set.add(Capability.valueOf(n.trim().toUpperCase(Locale.ROOT))));
        }
        return List.copyOf(set);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("facts cannot be written as canonical JSON", e);
        }
    }

    private static String sha256(String s) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
