package dev.arcfleet.planner.plan;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Plan ids and revisions derived from content alone, so the same input always gives the same ids: a replay of
 * {@code fleet.nodes} finds every plan it would create already there.
 */
public final class PlanIds {
    private PlanIds() {}

    /** One plan per route and target: a name-based UUID of both. */
    public static String planId(Route route, Target target) {
        String name = "arcfleet:" + route.name() + ":" + target.kind().name() + ":" + target.id();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A short hash of what the executor needs to do: a new revision means there is new work. */
    public static String revision(
            Route route, Target target, Collection<Capability> capabilities, Map<String, String> parameters) {
        StringBuilder content = new StringBuilder(route.name())
                .append('|')
                .append(target.id())
                .append('|')
                .append(new TreeSet<>(capabilities))
                .append('|')
                .append(new TreeMap<>(parameters));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** The suffix of an offboarding revision: the revision it removes, then this. */
    public static final String OFFBOARD = "-offboard";

    /** True when the revision is an offboarding's. */
    public static boolean offboarding(String revision) {
        return revision != null && revision.endsWith(OFFBOARD);
    }

    /** The offboarding revision of the onboarding revision {@code onboarded}. */
    public static String offboardRevision(String onboarded) {
        return onboarded + OFFBOARD;
    }

    /**
     * The onboarding revision of content hash {@code hash} after {@code published}: the hash itself, or once the plan
     * was offboarded, the hash with a new generation ({@code -g1}, {@code -g2}...), which the executor has not seen.
     */
    public static String onboardRevision(String hash, String published) {
        int generation = generation(published) + (offboarding(published) ? 1 : 0);
        return generation == 0 ? hash : hash + "-g" + generation;
    }

    private static int generation(String revision) {
        if (revision == null) {
            return 0;
        }
        String onboarded =
                offboarding(revision) ? revision.substring(0, revision.length() - OFFBOARD.length()) : revision;
        int at = onboarded.lastIndexOf("-g");
        return at < 0 ? 0 : Integer.parseInt(onboarded.substring(at + 2));
    }
}
