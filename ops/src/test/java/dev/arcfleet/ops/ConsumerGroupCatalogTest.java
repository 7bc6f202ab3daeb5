package dev.arcfleet.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.ops.ConsumerGroupCatalog.Subscription;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The replayable groups are exactly those the services' application.properties configure on incoming channels. */
class ConsumerGroupCatalogTest {
    static final Pattern GROUP = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.group\\.id");

    @Test
    void listsEveryIncomingChannelsGroupAndTopicOfTheThreeServices() throws IOException {
        Set<Subscription> configured = new HashSet<>();
        for (String service : new String[] {"inventory", "planner", "executor"}) {
            Path file = Path.of("..", service + "-service", "src", "main", "resources", "application.properties");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            for (String name : properties.stringPropertyNames()) {
                Matcher m = GROUP.matcher(name);
                if (m.matches()) {
                    String topic = properties.getProperty("mp.messaging.incoming." + m.group(1) + ".topic");
                    configured.add(new Subscription(service, properties.getProperty(name), topic));
                }
            }
        }
        assertThat(configured).hasSizeGreaterThanOrEqualTo(7);
        assertThat(ConsumerGroupCatalog.ALL).containsExactlyInAnyOrderElementsOf(configured);
    }
}
