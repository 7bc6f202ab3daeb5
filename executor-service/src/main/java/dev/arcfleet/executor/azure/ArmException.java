package dev.arcfleet.executor.azure;

import java.time.Duration;

/** An ARM call that failed, classified for the step engine: transient (retry), throttled, or permanent. */
public class ArmException extends RuntimeException {
    private final int status;
    private final String code;
    private final Duration retryAfter;

    public ArmException(int status, String code, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** ARM's Retry-After, or null when it sent none. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean throttled() {
        return status == 429;
    }

    /**
     * 408, 429, 5xx and connection failures (status 0) are worth retrying, and so is a 409 that says another operation
     * on the resource is in progress (two executions writing a shared resource, a workspace say, at once); other 4xx
     * are not.
     */
    public boolean transientFailure() {
        return status == 0
                || status == 408
                || status == 429
                || status >= 500
                || status == 409 && "AnotherOperationInProgress".equalsIgnoreCase(code);
    }

    /** The subscription has not registered the resource provider the call needs. */
    public boolean missingProviderRegistration() {
        return "MissingSubscriptionRegistration".equalsIgnoreCase(code);
    }
}
