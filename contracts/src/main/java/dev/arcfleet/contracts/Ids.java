package dev.arcfleet.contracts;

import java.util.regex.Pattern;

/**
 * The shapes of the ids and short values that cross a trust boundary (REST, Kafka, imports), in one place so every
 * reader checks them alike. Every pattern is anchored by {@link Pattern#matcher(CharSequence) matches()}; none admits
 * whitespace, control characters, quotes, '$', '{', ';', '|', '&amp;' or anything else a shell, a YAML document or a
 * Helm {@code --set} would read as syntax.
 */
public final class Ids {
    /** A node (device) id as REST accepts it: 1 to 253 of {@code A-Za-z0-9._:/-} ("ghent-line3/worker-1"). */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,253}");
    /** A cluster id as REST accepts it: 1 to 253 of {@code A-Za-z0-9._:-} (no '/': it names no path). */
    public static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    /**
     * A name that may become a file name (a cluster's kubeconfig under a folder): letters, digits, '.', '_' and '-', not
     * starting with a dot, so neither "." nor ".." nor a hidden file.
     */
    public static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}");
    /** A plan id (a name-based UUID from the planner) or a plan revision (hex): 1 to 64 of {@code A-Za-z0-9._:-}. */
    public static final Pattern PLAN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** A site name: 1 to 128 of {@code A-Za-z0-9._:-}. */
    public static final Pattern SITE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /**
     * A Kubernetes label value that is not empty: at most 63 characters of {@code A-Za-z0-9._-}, beginning and ending
     * with a letter or digit. Also what a node name must be to stand in a {@code kubernetes.io/hostname} selector.
     */
    public static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");
    /** A short word a route passes on (a distribution, an infrastructure): a label value of at most 63 characters. */
    public static final Pattern WORD = LABEL_VALUE;
    /** A CloudEvents id or correlation id from a header: 1 to 200 of {@code A-Za-z0-9._:/@+-}. */
    public static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:/@+-]{1,200}");
    /** A correlation id, which lands in varchar(64) columns: 1 to 64 of {@code A-Za-z0-9._:/@+-}. */
    public static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:/@+-]{1,64}");

    private Ids() {}

    /** True when {@code value} is not null and matches {@code pattern} as a whole. */
    public static boolean valid(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches();
    }
}
