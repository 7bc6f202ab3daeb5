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
    private PlanIds() {
    }

    /** One plan per route and target: a name-based UUID of both. */
    public static String planId(Route route, Target target) {
        String name = "arcfleet:" + route.name() + ":" + target.kind().name() + ":" + target.id();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A short hash of what the executor needs to do: a new revision means there is new work. */
    public static String revision(Route route, Target target, Collection<Capability> capabilities,
            Map<String, String> parameters) {
        StringBuilder content = new StringBuilder(route.name()).append('|').append(target.id()).append('|')
                .append(new TreeSet<>(capabilities)).append('|').append(new TreeMap<>(parameters));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
