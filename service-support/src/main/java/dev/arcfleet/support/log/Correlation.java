package dev.arcfleet.support.log;

import org.jboss.logging.MDC;

/**
 * The correlation id of the node being worked on, in the logging context, so every log line written meanwhile
 * carries it ({@code %X{correlationId}} in the log format). Minted at registration, it travels in the
 * {@code ce_correlationid} header through facts, decisions, plans, steps and status events.
 */
public final class Correlation {
    public static final String MDC_KEY = "correlationId";

    private Correlation() {}

    /** Sets the id (made {@link LogSafe}) until the returned scope closes, then puts back what was there (nothing, or an outer id). */
    public static Scope open(String correlationId) {
        Object previous = MDC.get(MDC_KEY);
        if (correlationId == null) {
            MDC.remove(MDC_KEY);
        } else {
            MDC.put(MDC_KEY, LogSafe.of(correlationId)); // from a header: it must not break the log line
        }
        return () -> {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        };
    }

    /** A correlation scope; closing it cannot fail. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
