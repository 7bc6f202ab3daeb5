package dev.arcfleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.ConsumerGroups.Membership;
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

/** Each service's application.properties configures exactly the groups, channels and topics the contract names. */
class ConsumerGroupsTest {
    static final Pattern GROUP = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.group\\.id");

    @Test
    void everyServicesConfiguredGroupIdIsTheContractsConstant() throws IOException {
        for (String service : new String[] {
            ConsumerGroups.INVENTORY_SERVICE, ConsumerGroups.PLANNER_SERVICE, ConsumerGroups.EXECUTOR_SERVICE
        }) {
            Set<Membership> configured = configured(service);
            assertThat(configured).as(service).isNotEmpty();
            assertThat(configured)
                    .as(service)
                    .containsExactlyInAnyOrderElementsOf(ConsumerGroups.ALL.stream()
                            .filter(m -> m.service().equals(service))
                            .toList());
        }
    }

    @Test
    void groupNamesAreUnique() {
        assertThat(ConsumerGroups.ALL.stream().map(Membership::group))
                .doesNotHaveDuplicates()
                .hasSize(8);
    }

    private static Set<Membership> configured(String service) throws IOException {
        Path file = Path.of("..", service + "-service", "src", "main", "resources", "application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Set<Membership> configured = new HashSet<>();
        for (String name : properties.stringPropertyNames()) {
            Matcher m = GROUP.matcher(name);
            if (m.matches()) {
                String topic = properties.getProperty("mp.messaging.incoming." + m.group(1) + ".topic");
                configured.add(new Membership(service, m.group(1), properties.getProperty(name), topic));
            }
        }
        return configured;
    }
}
