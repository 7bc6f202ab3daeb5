package dev.arcfleet.inventory.imports;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One bulk import. Never leaves the service: the REST view maps it. */
@Entity
@Table(name = "bulk_import")
public class ImportEntity extends PanacheEntityBase {
    @Id
    @Column(name = "import_id")
    public String importId;

    @Enumerated(EnumType.STRING)
    public ImportFormat format;

    @Enumerated(EnumType.STRING)
    public ImportState state;

    public long lines;
    public long accepted;
    public long unchanged;
    public long rejected;
    /** The first errors (JSON array of {@link ImportError}), written when the import ends. */
    @Column(columnDefinition = "text")
    public String errors;

    @Column(name = "errors_omitted")
    public long errorsOmitted;

    @Column(columnDefinition = "text")
    public String message;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
