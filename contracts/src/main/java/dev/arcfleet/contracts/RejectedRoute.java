package dev.arcfleet.contracts;

import java.util.List;

/** A route considered and not taken. {@code route} also names rejected workarounds: SYSEXT, STATIC_BINARY. */
public record RejectedRoute(String route, List<String> reasons) {}
