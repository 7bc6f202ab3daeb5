package dev.arcfleet.bench;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.Virtualization;
import dev.arcfleet.planner.decide.DecisionEngine;
import dev.arcfleet.planner.decide.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Decisions per second of the planner's rules on one thread, over a varied synthetic fleet (every route, degraded
 * and blocked cases, a policy with route rules). Prints each round and the median.
 *
 * <p>Usage: {@code DecisionThroughput [nodes=20000] [rounds=15] [warmup=10]}
 */
public final class DecisionThroughput {
    private DecisionThroughput() {}

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        List<NodeFacts> fleet = fleet(nodes, new Random(42));
        Policy seed = Policy.defaults("bench");
        Policy policy = new Policy(
                "bench-rules",
                seed.deviceClassDefaults(),
                seed.companionVm(),
                seed.iotOperations(),
                List.of(
                        new Policy.RouteRule(
                                "lab",
                                "lab",
                                Map.of(),
                                null,
                                java.util.Set.of(dev.arcfleet.contracts.Route.DIRECT_AGENT)),
                        new Policy.RouteRule(
                                null,
                                null,
                                Map.of("tier", "prod"),
                                java.util.Set.of(
                                        dev.arcfleet.contracts.Route.ARC_K8S,
                                        dev.arcfleet.contracts.Route.IOT_OPERATIONS),
                                null)));
        DecisionEngine engine = new DecisionEngine();
        Instant at = Instant.now();
        Map<dev.arcfleet.contracts.Route, Integer> mix = new EnumMap<>(dev.arcfleet.contracts.Route.class);
        for (NodeFacts f : fleet) {
            mix.merge(engine.decide(f, policy, at).route(), 1, Integer::sum);
        }
        System.out.printf("fleet of %d nodes, routes %s%n", nodes, mix);
        long sink = 0;
        double[] rates = new double[rounds];
        for (int r = -warmup; r < rounds; r++) {
            long start = System.nanoTime();
            for (NodeFacts f : fleet) {
                Decision d = engine.decide(f, policy, at);
                sink += d.rationale().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (r >= 0) {
                rates[r] = nodes / seconds;
                System.out.printf("round %2d: %,.0f decisions/s%n", r + 1, rates[r]);
            }
        }
        Arrays.sort(rates);
        System.out.printf(
                "median %,.0f decisions/s on one thread (min %,.0f, max %,.0f; %d rounds of %d; checksum %d)%n",
                rates[rounds / 2], rates[0], rates[rounds - 1], rounds, nodes, sink);
    }

    static List<NodeFacts> fleet(int n, Random random) {
        String[][] oses = {
            {"talos", "IMMUTABLE"}, {"flatcar", "IMMUTABLE"}, {"kairos", "IMMUTABLE"}, {"bottlerocket", "IMMUTABLE"},
            {"fedora-iot", "IMMUTABLE"}, {"bootc", "IMMUTABLE"}, {"ubuntu", "MUTABLE"}, {"rhel", "MUTABLE"},
            {"windows", "MUTABLE"}, {"unknown", "UNKNOWN"}
        };
        String[] sites = {"ghent", "lyon", "lab", "porto", "munich"};
        List<NodeFacts> fleet = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            String[] os = oses[random.nextInt(oses.length)];
            DeviceClass dc = DeviceClass.values()[random.nextInt(DeviceClass.values().length)];
            boolean inCluster = random.nextInt(10) < 7;
            String cluster = inCluster ? "cluster-" + random.nextInt(200) : null;
            String arch = random.nextInt(5) == 0 ? "arm64" : "amd64";
            HostFacts host = random.nextInt(20) == 0
                    ? null
                    : new HostFacts(
                            arch,
                            1 << random.nextInt(6),
                            1024L << random.nextInt(6),
                            os[1].equals("IMMUTABLE"),
                            false,
                            os[1].equals("MUTABLE") ? "apt" : "none");
            Virtualization v =
                    new Virtualization(random.nextInt(4) == 0, random.nextInt(6) == 0, random.nextInt(10) == 0);
            List<Capability> caps = random.nextInt(4) == 0 ? List.of(Capability.EXTENSIONS) : List.of();
            Map<String, String> labels = random.nextInt(5) == 0 ? Map.of("tier", "prod") : Map.of();
            String id = (cluster != null ? cluster + "/" : "") + "node-" + i;
            fleet.add(new NodeFacts(
                    "e" + i,
                    "c" + i,
                    now,
                    id,
                    "node-" + i,
                    sites[random.nextInt(sites.length)],
                    dc,
                    Map.of("ID", os[0]),
                    null,
                    null,
                    host,
                    cluster == null ? null : new ClusterRef(cluster, "k3s"),
                    v,
                    caps,
                    labels,
                    FactsSource.REGISTRATION,
                    now,
                    new OsIdentity(os[0], "1", Mutability.valueOf(os[1]), List.of("os-release ID=" + os[0])),
                    "h" + i));
        }
        return fleet;
    }
}
