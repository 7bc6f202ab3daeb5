package dev.arcfleet.inventory.registrations;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.NodeFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * The widths of the {@code node} columns (V2__nodes.sql) that normalized facts land in. The validator bounds what a
 * device sends; some columns hold values derived from it (the OS version comes from {@code osRelease.VERSION_ID}, up to
 * 1,024 characters, or from {@code osImage}), so the normalized facts are checked against the columns before they are
 * written: a value that does not fit refuses that registration alone, never the batch it came in.
 */
final class NodeColumns {
    static final int NODE_ID = 253;
    static final int HOSTNAME = 253;
    static final int SITE = 128;
    static final int CLUSTER_ID = 253;
    static final int OS_FAMILY = 64;
    static final int OS_VERSION = 128;

    private NodeColumns() {}

    static List<FieldError> misfits(NodeFacts facts) {
        List<FieldError> errors = new ArrayList<>();
        check(errors, "deviceId", facts.nodeId(), NODE_ID, "");
        check(errors, "hostname", facts.hostname(), HOSTNAME, "");
        check(errors, "site", facts.site(), SITE, "");
        check(errors, "cluster.id", facts.clusterId(), CLUSTER_ID, "");
        if (facts.os() != null) {
            check(errors, "os.family", facts.os().family(), OS_FAMILY, " (derived from osRelease and osImage)");
            check(
                    errors,
                    "os.version",
                    facts.os().version(),
                    OS_VERSION,
                    " (derived from osRelease.VERSION_ID or osImage)");
        }
        return errors;
    }

    private static void check(List<FieldError> errors, String field, String value, int max, String origin) {
        if (value != null && value.length() > max) {
            errors.add(new FieldError(
                    field, "is " + value.length() + " characters" + origin + "; the registry holds at most " + max));
        }
    }
}
