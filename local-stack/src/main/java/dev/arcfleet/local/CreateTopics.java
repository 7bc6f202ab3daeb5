package dev.arcfleet.local;

import dev.arcfleet.contracts.Topics;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of docs/contracts.md#topics that is missing (existing ones are left as they are). Partition
 * counts: the high-volume node and status streams get 6, the plan topics 3 (one plan per cluster), dead-letter topics
 * 1. Waits up to a minute for the broker.
 *
 * <p>Usage: {@code CreateTopics <bootstrap> [client.properties]}: the optional file holds the client's security
 * settings (the local broker's {@code admin.properties}, see {@link KafkaSecrets}).
 */
public final class CreateTopics {
    private CreateTopics() {}

    public static Map<String, Integer> layout() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String t : Topics.MAIN) {
            topics.put(t, t.startsWith("onboarding.plans.") ? 3 : 6);
        }
        for (String t : Topics.MAIN) {
            topics.put(Topics.deadLetter(t), 1);
        }
        return topics;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        Properties props = new Properties();
        if (args.length > 1) {
            try (Reader in = Files.newBufferedReader(Path.of(args[1]))) {
                props.load(in);
            }
        }
        try {
            System.out.println(create(bootstrap, props));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Creates the missing topics with the client settings {@code client} (security only; the bootstrap is added);
     * what it did, as one line. IllegalStateException when the broker does not answer within a minute.
     */
    public static String create(String bootstrap, Properties client) throws Exception {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = null;
            while (existing == null) {
                try {
                    existing = admin.listTopics().names().get();
                } catch (ExecutionException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 60 s: "
                                + e.getCause().getMessage());
                    }
                    Thread.onSpinWait();
                }
            }
            List<NewTopic> missing = new ArrayList<>();
            for (Map.Entry<String, Integer> t : layout().entrySet()) {
                if (!existing.contains(t.getKey())) {
                    missing.add(new NewTopic(t.getKey(), t.getValue(), (short) 1));
                }
            }
            if (missing.isEmpty()) {
                return "topics: all " + layout().size() + " present";
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return "topics: created " + missing.size() + " of " + layout().size();
        }
    }
}
