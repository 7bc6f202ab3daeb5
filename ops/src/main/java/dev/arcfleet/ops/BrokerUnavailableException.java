package dev.arcfleet.ops;

/** The broker did not answer an operator tool in time, or refused: answered as 503, nothing half-recorded. */
public class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
