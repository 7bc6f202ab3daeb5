package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.inventory.registrations.Registered;
import dev.arcfleet.inventory.registrations.Registrant;
import dev.arcfleet.inventory.registrations.RegistrationMetrics;
import dev.arcfleet.inventory.registrations.RegistrationOutcome;
import dev.arcfleet.inventory.registrations.RegistrationService;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Imports a file of registrations as it streams in: each line is validated like a REST registration, good lines are
 * registered in batches ({@code fleet.imports.batch-size}, one transaction each, source IMPORT), bad lines are
 * reported by line number and field (so are registrations the registry refuses: another site's node or cluster, a
 * value too long for its column; a site change is recorded with the importing operator's identity), and progress is saved after every batch so
 * {@code GET /api/v1/imports/{id}} can follow a large file. A batch that fails stops the import; the batches before
 * it stay stored.
 */
@ApplicationScoped
public class BulkImporter {
    static final String EMPTY = "the file holds no registration";

    private final RegistrationValidator validator;
    private final RegistrationService registrations;
    private final ImportStore store;
    private final ImportsConfig config;
    private final ObjectMapper mapper;

    private final RegistrationMetrics metrics;

    public BulkImporter(
            RegistrationValidator validator,
            RegistrationService registrations,
            ImportStore store,
            ImportsConfig config,
            ObjectMapper mapper,
            RegistrationMetrics metrics) {
        this.metrics = metrics;
        this.validator = validator;
        this.registrations = registrations;
        this.store = store;
        this.config = config;
        this.mapper = mapper;
    }

    /** @throws ImportFileException when the file cannot be imported at all (a bad CSV header); nothing is stored then */
    public ImportRecord run(ImportFormat format, InputStream body, Registrant registrant) throws IOException {
        ImportRecord record = runImport(format, body, registrant);
        metrics.count(FactsSource.IMPORT.name(), "REJECTED", record.rejected());
        return record;
    }

    private ImportRecord runImport(ImportFormat format, InputStream body, Registrant registrant) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        ImportLineReader lines =
                format == ImportFormat.CSV ? CsvLinesReader.open(reader) : new JsonLinesReader(reader, mapper);
        String importId = UUID.randomUUID().toString();
        store.start(importId, format, Instant.now());
        Log.infof("import %s (%s) started", importId, format);
        ImportTally tally = new ImportTally(config.maxErrors());
        try {
            readAll(importId, lines, tally, registrant);
        } catch (IOException e) {
            Log.warnf(
                    "import %s: the upload broke off after %d lines: %s",
                    importId, tally.lines(), LogSafe.of(e.getMessage()));
            return store.finish(
                    importId,
                    tally,
                    ImportState.FAILED,
                    "the upload broke off after line " + tally.lines() + " ("
                            + e.getClass().getSimpleName() + "); the lines before it that were accepted are stored");
        } catch (RuntimeException e) {
            Log.errorf(e, "import %s: a batch could not be stored", importId);
            return store.finish(
                    importId,
                    tally,
                    ImportState.FAILED,
                    "a batch could not be stored (" + e.getClass().getSimpleName() + "); the "
                            + (tally.accepted() + tally.unchanged()) + " registrations counted before it are stored");
        }
        if (tally.lines() == 0) {
            return store.finish(importId, tally, ImportState.FAILED, EMPTY);
        }
        ImportRecord done = store.finish(importId, tally, ImportState.DONE, null);
        Log.infof(
                "import %s done: %d lines, %d accepted, %d unchanged, %d rejected",
                importId, done.lines(), done.accepted(), done.unchanged(), done.rejected());
        return done;
    }

    private void readAll(String importId, ImportLineReader lines, ImportTally tally, Registrant registrant)
            throws IOException {
        int batchSize = config.batchSize();
        List<Registration> batch = new ArrayList<>(batchSize);
        List<Integer> lineNumbers = new ArrayList<>(batchSize);
        ImportLine line;
        while ((line = lines.next()) != null) {
            tally.lineRead();
            Validated validated = line.readable() ? validator.validate(line.json()) : null;
            if (validated == null) {
                tally.rejected(line.line(), line.errors());
            } else if (!validated.valid()) {
                tally.rejected(line.line(), validated.errors());
            } else {
                batch.add(validated.registration());
                lineNumbers.add(line.line());
                if (batch.size() >= batchSize) {
                    register(batch, lineNumbers, tally, registrant);
                }
            }
            if (tally.lines() % batchSize == 0) {
                store.progress(importId, tally);
            }
        }
        register(batch, lineNumbers, tally, registrant);
    }

    private void register(
            List<Registration> batch, List<Integer> lineNumbers, ImportTally tally, Registrant registrant) {
        if (batch.isEmpty()) {
            return;
        }
        List<Registered> outcomes = registrations.register(batch, FactsSource.IMPORT, registrant);
        tally.accepted(outcomes.stream()
                .filter(o -> o.outcome() == RegistrationOutcome.ACCEPTED)
                .count());
        tally.unchanged(outcomes.stream()
                .filter(o -> o.outcome() == RegistrationOutcome.UNCHANGED)
                .count());
        for (int i = 0; i < outcomes.size(); i++) {
            if (!outcomes.get(i).stored()) {
                tally.rejected(lineNumbers.get(i), outcomes.get(i).errors());
            }
        }
        batch.clear();
        lineNumbers.clear();
    }
}
