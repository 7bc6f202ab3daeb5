package dev.arcfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Gives the local broker the users and ACLs the Kubernetes deploy has: reads the {@code KafkaUser} resources of
 * {@code deploy/k8s/base/kafka-users.yaml} (Strimzi's {@code simple} authorization) and, as the super user
 * {@code admin}, sets each user's SCRAM-SHA-512 credential from its password file ({@link KafkaSecrets}) and makes the
 * user's ACLs exactly those of the file (missing ones added, others of the same user removed). Nothing is granted
 * that the file does not grant, and nothing else may do anything ({@code allow.everyone.if.no.acl.found=false}).
 *
 * <p>Usage: {@code KafkaUsers <bootstrap> <secrets-dir> <kafka-users.yaml>}. Waits up to a minute for the broker.
 */
public final class KafkaUsers {
    private KafkaUsers() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaUsers <bootstrap> <secrets-dir> <kafka-users.yaml>");
            System.exit(2);
        }
        KafkaSecrets secrets = new KafkaSecrets(Path.of(args[1]).toAbsolutePath()).ensure();
        Map<String, List<AclBinding>> users = read(Path.of(args[2]));
        try (Admin admin = Admin.create(adminProperties(args[0], secrets))) {
            apply(admin, secrets, users);
        }
        System.out.println("kafka users: " + String.join(", ", users.keySet()) + " with the ACLs of " + args[2]);
    }

    /** Admin client settings of the super user. */
    public static Properties adminProperties(String bootstrap, KafkaSecrets secrets) {
        Properties props = secrets.clientProperties(KafkaSecrets.ADMIN);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    /** The ACLs of each KafkaUser in the file, by user name (Strimzi's simple authorization: allow, any host). */
    public static Map<String, List<AclBinding>> read(Path yaml) throws IOException {
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
                String principal = "User:" + name;
                List<AclBinding> bindings = new ArrayList<>();
                for (JsonNode acl : doc.path("spec").path("authorization").path("acls")) {
                    JsonNode resource = acl.path("resource");
                    String type = resource.path("type").asText();
                    ResourcePattern pattern = switch (type) {
                        case "cluster" ->
                            new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
                        case "topic", "group", "transactionalId" ->
                            new ResourcePattern(
                                    type.equals("transactionalId")
                                            ? ResourceType.TRANSACTIONAL_ID
                                            : ResourceType.fromString(type),
                                    resource.path("name").asText(),
                                    resource.path("patternType")
                                                    .asText("literal")
                                                    .equals("prefix")
                                            ? PatternType.PREFIXED
                                            : PatternType.LITERAL);
                        default ->
                            throw new IllegalArgumentException(
                                    yaml + ": unknown resource type " + type + " of " + name);
                    };
                    String host = acl.path("host").asText("*");
                    for (JsonNode op : acl.path("operations")) {
                        AclOperation operation =
                                AclOperation.fromString(op.asText().toUpperCase(Locale.ROOT));
                        if (operation == AclOperation.UNKNOWN) {
                            throw new IllegalArgumentException(
                                    yaml + ": unknown operation " + op.asText() + " of " + name);
                        }
                        bindings.add(new AclBinding(
                                pattern, new AccessControlEntry(principal, host, operation, AclPermissionType.ALLOW)));
                    }
                }
                users.put(name, bindings);
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(yaml + " has no KafkaUser");
        }
        return users;
    }

    /** Credentials and ACLs as in {@code users}; each user must have a password file. */
    public static void apply(Admin admin, KafkaSecrets secrets, Map<String, List<AclBinding>> users) throws Exception {
        try {
            // the admin client retries a broker that is still starting until the timeout
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(60_000))
                    .clusterId()
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Kafka did not answer the admin user within 60 s: "
                            + e.getCause().getMessage(),
                    e);
        }
        List<UserScramCredentialUpsertion> credentials = new ArrayList<>();
        for (String user : users.keySet()) {
            credentials.add(new UserScramCredentialUpsertion(
                    user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), secrets.password(user)));
        }
        admin.alterUserScramCredentials(new ArrayList<>(credentials)).all().get();

        Set<AclBinding> wanted = new LinkedHashSet<>();
        users.values().forEach(wanted::addAll);
        List<AclBindingFilter> stale = new ArrayList<>();
        for (String user : users.keySet()) {
            AclBindingFilter ofUser = new AclBindingFilter(
                    ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
            for (AclBinding existing : admin.describeAcls(ofUser).values().get()) {
                if (!wanted.contains(existing)) {
                    stale.add(existing.toFilter());
                }
            }
        }
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale).all().get();
        }
        admin.createAcls(wanted).all().get();
    }
}
