package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Imports in the database, each write in its own transaction so progress is visible while the import runs (and
 * from every replica, whichever one serves the progress request).
 */
@ApplicationScoped
public class ImportStore {
    private static final TypeReference<List<ImportError>> ERRORS = new TypeReference<>() {};

    private final EntityManager entityManager;
    private final ObjectMapper mapper;
    private final ImportsConfig config;

    public ImportStore(EntityManager entityManager, ObjectMapper mapper, ImportsConfig config) {
        this.entityManager = entityManager;
        this.mapper = mapper;
        this.config = config;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void start(String importId, ImportFormat format, Instant now) {
        ImportEntity e = new ImportEntity();
        e.importId = importId;
        e.format = format;
        e.state = ImportState.RUNNING;
        e.startedAt = now;
        e.updatedAt = now;
        entityManager.persist(e);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void progress(String importId, ImportTally tally) {
        ImportEntity e = entityManager.find(ImportEntity.class, importId);
        counts(e, tally);
        e.updatedAt = Instant.now();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public ImportRecord finish(String importId, ImportTally tally, ImportState state, String message) {
        ImportEntity e = entityManager.find(ImportEntity.class, importId);
        counts(e, tally);
        e.state = state;
        e.message = message;
        e.errors = toJson(tally.errors());
        e.errorsOmitted = tally.errorsOmitted();
        e.updatedAt = Instant.now();
        e.finishedAt = e.updatedAt;
        return toRecord(e, true);
    }

    @Transactional
    public Optional<ImportRecord> find(String importId) {
        return Optional.ofNullable(entityManager.find(ImportEntity.class, importId))
                .map(e -> toRecord(e, true));
    }

    /** The latest imports, newest first, without their error lists. */
    @Transactional
    public List<ImportRecord> recent(int limit) {
        return entityManager
                .createQuery("from ImportEntity order by startedAt desc", ImportEntity.class)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(e -> toRecord(e, false))
                .toList();
    }

    private static void counts(ImportEntity e, ImportTally tally) {
        e.lines = tally.lines();
        e.accepted = tally.accepted();
        e.unchanged = tally.unchanged();
        e.rejected = tally.rejected();
    }

    private ImportRecord toRecord(ImportEntity e, boolean withErrors) {
        ImportState state = e.state == ImportState.RUNNING
                        && e.updatedAt.plus(config.staleAfter()).isBefore(Instant.now())
                ? ImportState.INTERRUPTED
                : e.state;
        List<ImportError> errors = withErrors && e.errors != null ? fromJson(e.errors) : List.of();
        return new ImportRecord(
                e.importId,
                e.format,
                state,
                e.lines,
                e.accepted,
                e.unchanged,
                e.rejected,
                errors,
                e.errorsOmitted,
                e.message,
                e.startedAt,
                e.updatedAt,
                e.finishedAt);
    }

    private String toJson(List<ImportError> errors) {
        try {
            return mapper.writeValueAsString(errors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("import errors cannot be stored", e);
        }
    }

    private List<ImportError> fromJson(String json) {
        try {
            return mapper.readValue(json, ERRORS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored import errors are not readable", e);
        }
    }
}
