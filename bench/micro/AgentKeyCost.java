import java.lang.management.ManagementFactory;
import java.security.KeyPairGenerator;
import java.util.Arrays;

/**
 * CPU time of generating the Arc agents' RSA 4096 key pair (what the executor's {@code AgentKeys.generate} does per
 * connected cluster) under the JVM options given: the median over {@code n} keys after the first (which pays for the
 * compilation). A single-file program, from the repository's root; compare the test JVMs' compiler settings:
 *
 * <pre>
 * java -XX:+UseSerialGC bench/micro/AgentKeyCost.java 10                                # tiered, up to C2
 * java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 bench/micro/AgentKeyCost.java 10        # C1 only
 * java -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions \
 *     -XX:CompilerDirectivesFile=executor-service/src/test/jvm/c2-for-bigint-only.json \
 *     bench/micro/AgentKeyCost.java 10                                                   # C2 for java.math only
 * </pre>
 *
 * Prime search is random, so single keys vary several-fold; the median of ten is steadier.
 */
public class AgentKeyCost {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long processStart = process.getProcessCpuTime();
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = threads.getCurrentThreadCpuTime();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(4096);
            generator.generateKeyPair();
            ms[i] = (threads.getCurrentThreadCpuTime() - t) / 1e6;
            System.out.printf("key %d: %.0f ms of CPU%n", i + 1, ms[i]);
        }
        double[] later = Arrays.copyOfRange(ms, 1, n);
        Arrays.sort(later);
        System.out.printf(
                "median of keys 2-%d: %.0f ms; the process's CPU for all %d (compiler threads included): %.1f s%n",
                n, later[later.length / 2], n, (process.getProcessCpuTime() - processStart) / 1e9);
    }
}
