package dev.arcfleet.inventory.nodes;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fills {@link KnownFacts} from the registry when the inventory starts, so that after a restart a fleet's heartbeats
 * are answered from memory at once instead of each node's first one taking the full path: the active nodes' facts
 * hashes, those seen most recently first, up to {@code inventory.known-facts.max-nodes}. It runs on a thread of its
 * own (the consumers start beside it) and fills like any read ({@link KnownFacts#observed}): a write of a node that
 * commits meanwhile replaces what it brings, and it never replaces an entry already there.
 */
@ApplicationScoped
public class KnownFactsFill {
    private static final String ACTIVE_NODES_MOST_RECENT_FIRST = """
            select n.node_id, n.facts_hash
            from node n left join node_heartbeat h on h.node_id = n.node_id
            where not n.retired
            order by greatest(n.last_seen_at, h.seen_at) desc nulls last
            limit ?""";

    private final KnownFacts knownFacts;
    private final DataSource dataSource;
    private final int maxNodes;
    private final boolean onStart;

    public KnownFactsFill(
            KnownFacts knownFacts,
            DataSource dataSource,
            @ConfigProperty(name = "inventory.known-facts.max-nodes", defaultValue = "250000") int maxNodes,
            @ConfigProperty(name = "inventory.known-facts.fill-on-start", defaultValue = "true") boolean onStart) {
        this.knownFacts = knownFacts;
        this.dataSource = dataSource;
        this.maxNodes = maxNodes;
        this.onStart = onStart;
    }

    void onStart(@Observes StartupEvent event) {
        if (!onStart || maxNodes <= 0) {
            return;
        }
        Thread thread = new Thread(
                () -> {
                    try {
                        fill();
                    } catch (RuntimeException e) {
                        // only a cost: every node's first heartbeat takes the full path, as without the fill
                        Log.warnf("known facts not filled from the registry: %s", e.toString());
                    }
                },
                "known-facts-fill");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads the active nodes' facts hashes into the view; returns how many it read. */
    public int fill() {
        long started = System.nanoTime();
        // taken before the read, as a registration's read takes it
        long generation = knownFacts.generation();
        // in a transaction, so the driver streams the rows in fetches instead of holding them all
        int read = QuarkusTransaction.requiringNew().timeout(600).call(() -> {
            int n = 0;
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement(ACTIVE_NODES_MOST_RECENT_FIRST)) {
                s.setInt(1, maxNodes);
                s.setFetchSize(5000);
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        knownFacts.observed(rows.getString(1), rows.getString(2), generation);
                        n++;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return n;
        });
        Log.infof(
                "known facts: %d active nodes read from the registry in %d ms (view holds %d)",
                read, (System.nanoTime() - started) / 1_000_000, knownFacts.size());
        return read;
    }
}
