package dev.arcfleet.ops;

import dev.arcfleet.ops.ConsumerGroupCatalog.Subscription;
import dev.arcfleet.ops.ReplayResult.PartitionReplay;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Moves a service's consumer group back on its topic, to the beginning or to the first record at or after an instant
 * (a partition with none goes to its end), so the service consumes those records again when it next starts. Kafka
 * alters only the offsets of a group with no members, so a group someone consumes in is refused with the member
 * count (409) and nothing is changed; a member that joins between the check and the change makes the broker refuse
 * the change, which is answered the same way. All partitions of the topic are set in one request.
 */
@ApplicationScoped
public class ConsumerGroupReplayer {
    private final OpsKafka kafka;

    public ConsumerGroupReplayer(OpsKafka kafka) {
        this.kafka = kafka;
    }

    public ReplayResult replay(ReplayRequest request) {
        Subscription s = request.subscription();
        Admin admin = kafka.admin();
        try {
            Group group = describe(admin, s.group());
            if (!group.members().isEmpty()) {
                throw new GroupActiveException(active(s, group.members()), null);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = kafka
                    .await(
                            admin.listConsumerGroupOffsets(s.group()).partitionsToOffsetAndMetadata(),
                            "reading the committed offsets of group " + s.group())
                    .entrySet()
                    .stream()
                    .filter(e -> e.getKey().topic().equals(s.topic()) && e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            if (committed.isEmpty() && group.state() == GroupState.DEAD) {
                throw new UnknownGroupException("consumer group " + s.group() + " has no committed offsets on "
                        + s.topic() + " and no members: it never consumed there, so there is nothing to replay");
            }
            TopicDescription topic = kafka.await(
                            admin.describeTopics(List.of(s.topic())).allTopicNames(),
                            "reading the partitions of " + s.topic())
                    .get(s.topic());
            List<TopicPartition> partitions = topic.partitions().stream()
                    .map(p -> new TopicPartition(s.topic(), p.partition()))
                    .toList();
            Map<TopicPartition, Long> targets = targets(admin, request, partitions);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            targets.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
            alter(admin, s, offsets);
            List<PartitionReplay> replayed = partitions.stream()
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .map(tp -> new PartitionReplay(
                            tp.partition(),
                            committed.containsKey(tp) ? committed.get(tp).offset() : null,
                            targets.get(tp)))
                    .toList();
            Log.infof(
                    "consumer group %s replayed on %s from %s: %s",
                    s.group(), s.topic(), LogSafe.of(String.valueOf(request.from())), replayed);
            return new ReplayResult(s.group(), s.topic(), LogSafe.of(String.valueOf(request.from())), replayed);
        } finally {
            admin.close(Duration.ofMillis(kafka.timeoutMs()));
        }
    }

    private record Group(GroupState state, List<MemberDescription> members) {}

    private Group describe(Admin admin, String groupId) {
        try {
            ConsumerGroupDescription d = kafka.await(
                    admin.describeConsumerGroups(List.of(groupId))
                            .describedGroups()
                            .get(groupId),
                    "describing consumer group " + groupId);
            return new Group(d.groupState(), List.copyOf(d.members()));
        } catch (BrokerUnavailableException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return new Group(GroupState.DEAD, List.of());
            }
            throw e;
        }
    }

    /** Per partition, where the group starts again; a timestamp after a partition's last record means its end. */
    private Map<TopicPartition, Long> targets(Admin admin, ReplayRequest request, List<TopicPartition> partitions) {
        OffsetSpec spec = request.since()
                .map(i -> OffsetSpec.forTimestamp(i.toEpochMilli()))
                .orElse(OffsetSpec.earliest());
        Map<TopicPartition, Long> targets = offsets(admin, partitions, spec);
        List<TopicPartition> pastTheEnd = targets.entrySet().stream()
                .filter(e -> e.getValue() < 0)
                .map(Map.Entry::getKey)
                .toList();
        if (!pastTheEnd.isEmpty()) {
            targets.putAll(offsets(admin, pastTheEnd, OffsetSpec.latest()));
        }
        return targets;
    }

    private Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> found = kafka.await(
                admin.listOffsets(request).all(),
                "listing offsets of " + partitions.get(0).topic());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        found.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private void alter(Admin admin, Subscription s, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            kafka.await(
                    admin.alterConsumerGroupOffsets(s.group(), offsets).all(),
                    "altering the offsets of group " + s.group());
        } catch (BrokerUnavailableException e) {
            if (e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof GroupNotEmptyException) {
                throw new GroupActiveException(
                        "a consumer joined group " + s.group() + " while it was being replayed and"
                                + " the broker refused to move its offsets; nothing was changed. " + stopFirst(s),
                        e.getCause());
            }
            throw e;
        }
    }

    private static String active(Subscription s, List<MemberDescription> members) {
        String who = members.stream()
                .map(m -> m.clientId() + " on " + m.host())
                .sorted()
                .collect(Collectors.joining(", "));
        return "consumer group " + s.group() + " has " + members.size() + " active member"
                + (members.size() == 1 ? "" : "s") + " (" + who
                + "); Kafka moves only the offsets of a group nobody consumes in. " + stopFirst(s);
    }

    private static String stopFirst(Subscription s) {
        return "Stop " + s.service() + "-service's consumers first (bin/fleet-local replay " + s.service()
                + " stops it, replays and starts it again), then replay.";
    }
}
