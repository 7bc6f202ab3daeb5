package dev.arcfleet.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka users of the Kubernetes deploy ({@code deploy/k8s/base/kafka-users.yaml}, Strimzi {@code KafkaUser}s with
 * {@code simple} authorization) as ACL bindings by user name, read the way local-stack's {@code KafkaUsers} reads them,
 * so the tests' SCRAM broker grants exactly what the deploy grants.
 */
public final class KafkaUserAcls {
    static final String FILE = "deploy/k8s/base/kafka-users.yaml";

    private KafkaUserAcls() {}

    /** The file of this checkout: under system property {@code fleet.root}, else the first parent of the working directory that has it. */
    public static Path file() {
        String root = System.getProperty("fleet.root");
        if (root != null) {
            return Path.of(root).resolve(FILE);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir.resolve(FILE);
            }
        }
        throw new IllegalStateException(
                FILE + " is in no parent of " + Path.of("").toAbsolutePath() + " (set -Dfleet.root)");
    }

    /** The ACLs of each KafkaUser of {@code yaml} (allow, any host unless given), by user name, in file order. */
    public static Map<String, List<AclBinding>> read(Path yaml) {
        Map<String, List<AclBinding>> users = new LinkedHashMap<>();
        try (MappingIterator<JsonNode> docs =
                new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || !"KafkaUser".equals(doc.path("kind").asText())) {
                    continue;
                }
                String name = doc.path("metadata").path("name").asText();
                if (!"scram-sha-512"
                                .equals(doc.path("spec")
                                        .path("authentication")
                                        .path("type")
                                        .asText())
                        || !"simple"
                                .equals(doc.path("spec")
                                        .path("authorization")
                                        .path("type")
                                        .asText())) {
                    throw new IllegalArgumentException(
                            yaml + ": KafkaUser " + name + " is not scram-sha-512 with simple authorization");
                }
                List<AclBinding> bindings = new ArrayList<>();
                for (JsonNode acl : doc.path("spec").path("authorization").path("acls")) {
                    bindings.addAll(bindings(yaml, "User:" + name, acl));
                }
                users.put(name, bindings);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(yaml + " has no KafkaUser");
        }
        return users;
    }

    private static List<AclBinding> bindings(Path yaml, String principal, JsonNode acl) {
        JsonNode resource = acl.path("resource");
        String type = resource.path("type").asText();
        PatternType patternType = resource.path("patternType").asText("literal").equals("prefix")
                ? PatternType.PREFIXED
                : PatternType.LITERAL;
        ResourcePattern pattern = switch (type) {
            case "cluster" -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            case "topic" ->
                new ResourcePattern(ResourceType.TOPIC, resource.path("name").asText(), patternType);
            case "group" ->
                new ResourcePattern(ResourceType.GROUP, resource.path("name").asText(), patternType);
            case "transactionalId" ->
                new ResourcePattern(
                        ResourceType.TRANSACTIONAL_ID, resource.path("name").asText(), patternType);
            default ->
                throw new IllegalArgumentException(yaml + ": unknown resource type " + type + " of " + principal);
        };
        String host = acl.path("host").asText("*");
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode op : acl.path("operations")) {
            AclOperation operation = AclOperation.fromString(op.asText().toUpperCase(Locale.ROOT));
            if (operation == AclOperation.UNKNOWN) {
                throw new IllegalArgumentException(yaml + ": unknown operation " + op.asText() + " of " + principal);
            }
            bindings.add(new AclBinding(
                    pattern, new AccessControlEntry(principal, host, operation, AclPermissionType.ALLOW)));
        }
        return bindings;
    }
}
