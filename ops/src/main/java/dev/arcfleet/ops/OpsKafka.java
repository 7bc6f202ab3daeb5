package dev.arcfleet.ops;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for the operator tools, each opened for one request and closed by it. They share the services'
 * broker settings (every {@code kafka.*} property: {@code kafka.bootstrap.servers}, TLS, SASL) but never a group: the
 * consumer is used with {@code assign} only and commits nothing, so it never joins or disturbs a service's group.
 * Every call is bounded by {@link OpsConfig#kafkaTimeout()}.
 */
@ApplicationScoped
public class OpsKafka {
    private final Map<String, Object> broker;
    private final OpsConfig config;

    public OpsKafka(@Identifier("default-kafka-broker") Map<String, Object> broker, OpsConfig config) {
        this.broker = broker;
        this.config = config;
    }

    public long timeoutMs() {
        return config.kafkaTimeout().toMillis();
    }

    public Admin admin() {
        Map<String, Object> props = common("ops-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs());
        return Admin.create(props);
    }

    /** A consumer without a group: {@code assign} and {@code seek} only, nothing committed. */
    public KafkaConsumer<String, String> consumer(int maxPollRecords) {
        Map<String, Object> props = common("ops-reader");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * An idempotent producer that waits for all in-sync replicas: a send is acknowledged or fails within
     * {@link #sendTimeoutMs()}.
     */
    public KafkaProducer<String, String> producer() {
        Map<String, Object> props = common("ops-redrive");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeoutMs());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** The producer's delivery timeout: by then a send is acknowledged or has failed. */
    public long sendTimeoutMs() {
        return 2 * timeoutMs();
    }

    /** The value of an admin future, or a {@link BrokerUnavailableException} naming what was asked. */
    public <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException(
                    "the broker did not answer within " + config.kafkaTimeout().toSeconds() + " s while " + what, e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException(
                    what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while " + what, e);
        }
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> props = new HashMap<>(broker);
        props.put(
                CommonClientConfigs.CLIENT_ID_CONFIG,
                role + "-" + UUID.randomUUID().toString().substring(0, 8));
        return props;
    }
}
