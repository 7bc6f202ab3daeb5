package dev.arcfleet.executor.azure;

import java.net.URI;
import java.util.Locale;

/**
 * The ARM endpoint's origin (scheme, host and port): the one place the bearer token may go. ARM hands out poll URLs
 * ({@code Azure-AsyncOperation}, {@code Location}) in its answers; one on another origin is not followed, whatever
 * answered it, so a spoofed or compromised answer cannot collect the token.
 */
public final class ArmEndpoint {
    private final String scheme;
    private final String host;
    private final int port;
    private final String text;

    public ArmEndpoint(String endpoint) {
        URI uri = URI.create(endpoint);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("executor.azure.endpoint must be an absolute URL, got " + endpoint);
        }
        this.scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        this.host = uri.getHost().toLowerCase(Locale.ROOT);
        this.port = port(uri);
        this.text = scheme + "://" + uri.getRawAuthority();
    }

    /** True when {@code url} is an absolute URL on this origin. */
    public boolean owns(String url) {
        if (url == null) {
            return false;
        }
        try {
            URI uri = URI.create(url);
            return uri.getScheme() != null
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null
                    && scheme.equals(uri.getScheme().toLowerCase(Locale.ROOT))
                    && host.equals(uri.getHost().toLowerCase(Locale.ROOT))
                    && port == port(uri);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Refuses a poll URL that is not on this origin, before anything is sent to it. */
    public void requireOwned(String url, String context) {
        if (!owns(url)) {
            throw new UntrustedUrlException(
                    context + " gave the poll URL " + originOf(url) + "..., which is not on the" + " ARM endpoint "
                            + text + "; it is not followed (the bearer token goes to the ARM endpoint only)");
        }
    }

    @Override
    public String toString() {
        return text;
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : -1;
    }

    /** Scheme and authority of a URL, without path or query (which may carry signatures); control characters dropped. */
    private static String originOf(String url) {
        if (url == null) {
            return "null";
        }
        String s;
        try {
            URI uri = URI.create(url);
            s = uri.getScheme() == null || uri.getRawAuthority() == null
                    ? url
                    : uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            s = url;
        }
        int authority = s.indexOf("://");
        int end = authority < 0 ? 0 : authority + 3;
        while (end < s.length() && "/?#".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        s = s.substring(0, end);
        s = s.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** A poll URL on another origin: a permanent failure of the step, never retried. */
    public static final class UntrustedUrlException extends ArmException {
        UntrustedUrlException(String message) {
            super(0, "UntrustedPollUrl", message, null, null);
        }

        @Override
        public boolean transientFailure() {
            return false;
        }
    }
}
