package dev.arcfleet.support.security;

/** The token store could not answer (inventory-service unreachable): the caller gets a 503 and may retry. */
public class TokenCheckUnavailableException extends RuntimeException {
    public TokenCheckUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
