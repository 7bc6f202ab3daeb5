package dev.arcfleet.executor.config;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.Converter;

/** What the executor does with a step: record it ({@code dry-run}) or carry it out ({@code live}). */
public enum ExecutorMode {
    DRY_RUN("dry-run"),
    LIVE("live");

    private final String value;

    ExecutorMode(String value) {
        this.value = value;
    }

    /** The mode as {@code executor.mode} spells it, and as executions and step records show it. */
    public String value() {
        return value;
    }

    /** The mode {@code value} names; IllegalArgumentException, naming the allowed values, for any other. */
    public static ExecutorMode parse(String value) {
        return Arrays.stream(values())
                .filter(m -> m.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("executor.mode must be "
                        + Arrays.stream(values()).map(ExecutorMode::value).collect(Collectors.joining(" or "))
                        + ", got '" + value + "'"));
    }

    /** Reads {@code executor.mode} once, at startup; a bad value stops the start with {@link #parse}'s message. */
    public static class ConfigConverter implements Converter<ExecutorMode> {
        @Override
        public ExecutorMode convert(String value) {
            return parse(value);
        }
    }
}
