package dev.arcfleet.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void readsWhereARecordCameFromAndWhyItWasDeadLettered() {
        DeadLetter d = DeadLetter.of(record(
                "fleet.registrations.dlq",
                2,
                41,
                headers(
                        EventTypes.CE_ID,
                        "e-1",
                        EventTypes.CE_TYPE,
                        "dev.arcfleet.registration.submitted.v1",
                        "dead-letter-reason",
                        "invalid registration e-1: deviceClass must be one of ...",
                        "dead-letter-cause",
                        "",
                        "dead-letter-topic",
                        "fleet.registrations",
                        "dead-letter-partition",
                        "1",
                        "dead-letter-offset",
                        "7731")));
        assertThat(d.reason()).startsWith("invalid registration e-1");
        assertThat(d.cause()).isNull();
        assertThat(d.originalTopic()).isEqualTo("fleet.registrations");
        assertThat(d.originalPartition()).isEqualTo(1);
        assertThat(d.originalOffset()).isEqualTo(7731L);
        assertThat(d.eventId()).isEqualTo("e-1");
        assertThat(d.coordinates()).isEqualTo("fleet.registrations.dlq/2/41");
    }

    @Test
    void theCopyKeepsKeyValueAndOriginalHeadersDropsTheDeadLetterOnesAndSaysWhereItCameFrom() {
        DeadLetter d = DeadLetter.of(record(
                "onboarding.status.dlq",
                0,
                5,
                headers(
                        EventTypes.CE_ID,
                        "e-2",
                        EventTypes.CE_CORRELATION_ID,
                        "c-9",
                        "redriven-from",
                        "onboarding.status.dlq/0/1",
                        "dead-letter-reason",
                        "database away",
                        "dead-letter-exception-class-name",
                        "java.sql.SQLException",
                        "dead-letter-topic",
                        "onboarding.status")));
        ProducerRecord<String, String> copy = d.redriveCopy();
        assertThat(copy.topic()).isEqualTo("onboarding.status");
        assertThat(copy.partition()).isNull();
        assertThat(copy.key()).isEqualTo("node-1");
        assertThat(copy.value()).isEqualTo("{\"v\":1}");
        assertThat(Arrays.stream(copy.headers().toArray()).map(Header::key))
                .containsExactly(EventTypes.CE_ID, EventTypes.CE_CORRELATION_ID, "redriven-from");
        assertThat(new String(copy.headers().lastHeader("redriven-from").value(), StandardCharsets.UTF_8))
                .isEqualTo("onboarding.status.dlq/0/5");
    }

    @Test
    void withoutADeadLetterTopicHeaderTheOriginalIsTheTopicNameWithoutDlq() {
        DeadLetter d =
                DeadLetter.of(record("onboarding.plans.arc-k8s.dlq", 0, 0, headers("dead-letter-offset", "twelve")));
        assertThat(d.originalTopic()).isEqualTo("onboarding.plans.arc-k8s");
        assertThat(d.originalOffset()).isNull();
        assertThat(d.redriveCopy().topic()).isEqualTo("onboarding.plans.arc-k8s");
    }

    private static RecordHeaders headers(String... pairs) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static ConsumerRecord<String, String> record(
            String topic, int partition, long offset, RecordHeaders headers) {
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                1_764_064_800_000L,
                TimestampType.CREATE_TIME,
                6,
                7,
                "node-1",
                "{\"v\":1}",
                headers,
                Optional.empty());
    }
}
