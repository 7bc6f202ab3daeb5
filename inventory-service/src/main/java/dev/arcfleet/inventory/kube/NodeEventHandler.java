package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.Registration;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Objects;

/**
 * Informer callbacks for one cluster's nodes. They run on the informer's thread, so they only map and queue. A
 * change that leaves the mapped facts as they were (status heartbeats, conditions) is dropped here; a periodic
 * resync (same resource version) is passed on, so a registration lost to a failed batch is made good.
 */
final class NodeEventHandler implements ResourceEventHandler<Node> {
    private final ClusterWatch watch;
    private final NodeMapper mapper;
    private final DiscoveryBatcher batcher;

    NodeEventHandler(ClusterWatch watch, NodeMapper mapper, DiscoveryBatcher batcher) {
        this.watch = watch;
        this.mapper = mapper;
        this.batcher = batcher;
    }

    @Override
    public void onAdd(Node node) {
        watch.eventReceived();
        upsert(node);
    }

    @Override
    public void onUpdate(Node old, Node node) {
        watch.eventReceived();
        if (!sameResourceVersion(old, node) && Objects.equals(mapQuietly(old), mapQuietly(node))) {
            return;
        }
        upsert(node);
    }

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
        watch.eventReceived();
        batcher.submit(new DiscoveryWork.Retire(
                watch, NodeMapper.nodeId(watch.clusterId(), node.getMetadata().getName())));
    }

    private void upsert(Node node) {
        try {
            batcher.submit(new DiscoveryWork.Upsert(watch, mapper.map(watch.spec(), node)));
        } catch (IllegalArgumentException e) {
            watch.problem(e.getMessage());
        }
    }

    private Registration mapQuietly(Node node) {
        try {
            return mapper.map(watch.spec(), node);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameResourceVersion(Node a, Node b) {
        return a.getMetadata() != null
                && b.getMetadata() != null
                && Objects.equals(
                        a.getMetadata().getResourceVersion(), b.getMetadata().getResourceVersion());
    }
}
