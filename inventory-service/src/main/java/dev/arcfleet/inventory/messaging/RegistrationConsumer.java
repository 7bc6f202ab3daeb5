package dev.arcfleet.inventory.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.inventory.service.RegistrationService;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Registrations produced straight to {@code fleet.registrations} by devices and importers: validated like REST ones; a
 * bad record goes to {@code fleet.registrations.dlq} with every bad field in {@code dead-letter-reason}.
 */
@ApplicationScoped
public class RegistrationConsumer {
    private final RegistrationValidator validator;
    private final RegistrationService registrations;
    private final ProcessedEvents processed;
    private final ObjectMapper mapper;

    public RegistrationConsumer(RegistrationValidator validator, RegistrationService registrations, ProcessedEvents processed,
            ObjectMapper mapper) {
        this.validator = validator;
        this.registrations = registrations;
        this.processed = processed;
        this.mapper = mapper;
    }

    @Incoming(Channels.REGISTRATIONS_IN)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        if (event.type() != null && !EventTypes.REGISTRATION_SUBMITTED.equals(event.type())) {
            event.requireType(java.util.Set.of(EventTypes.REGISTRATION_SUBMITTED));
        }
        JsonNode json = parse(event);
        Validated validated = validator.validate(json);
        if (!validated.valid()) {
            throw new PoisonRecordException("invalid registration " + event.id() + ": " + describe(validated.errors()));
        }
        if (processed.markFirstTime("registrations", event.id())) {
            registrations.register(List.of(validated.registration()), FactsSource.REGISTRATION);
        }
    }

    private JsonNode parse(IncomingEvent event) {
        if (event.payload() == null || event.payload().isBlank()) {
            throw new PoisonRecordException("registration " + event.id() + " has an empty value");
        }
        try {
            return mapper.readTree(event.payload());
        } catch (JsonProcessingException e) {
            throw new PoisonRecordException("registration " + event.id() + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
    }
}
