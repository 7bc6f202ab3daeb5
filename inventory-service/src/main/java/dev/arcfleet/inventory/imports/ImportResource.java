package dev.arcfleet.inventory.imports;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.inventory.registrations.Registrant;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Bulk import of registrations from a file, streamed: JSON Lines ({@code application/x-ndjson}) or CSV
 * ({@code text/csv}), e.g.
 * {@code curl --data-binary @fleet.jsonl -H 'Content-Type: application/x-ndjson' http://127.0.0.1:8081/api/v1/imports}.
 * The answer comes when the whole file is read; meanwhile {@code GET /api/v1/imports} lists running imports and
 * {@code GET /api/v1/imports/{importId}} shows one's progress. Like a bulk registration, an import whose every line
 * was rejected answers 400; the body is the import either way.
 */
@Path("/api/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {
    static final String NDJSON = "application/x-ndjson";
    static final String CSV = "text/csv";
    static final int MAX_LIST = 100;

    private final BulkImporter importer;
    private final ImportStore store;
    private final SecurityIdentity identity;

    public ImportResource(BulkImporter importer, ImportStore store, SecurityIdentity identity) {
        this.importer = importer;
        this.store = store;
        this.identity = identity;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(NDJSON)
    public Response importJsonLines(InputStream body) throws IOException {
        return run(ImportFormat.NDJSON, body);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(CSV)
    public Response importCsv(InputStream body) throws IOException {
        return run(ImportFormat.CSV, body);
    }

    @GET
    @Path("/{importId}")
    public Response progress(@PathParam("importId") String importId) {
        return store.find(importId)
                .map(r -> Response.ok(ImportView.of(r)).build())
                .orElseGet(() -> ApiError.response(Response.Status.NOT_FOUND, "no import " + importId));
    }

    /** The latest imports, newest first, without their error lists. */
    @GET
    public Response imports(@QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            return ApiError.badRequest(List.of(new FieldError("limit", "must be from 1 to " + MAX_LIST)));
        }
        return Response.ok(store.recent(limit).stream().map(ImportView::of).toList())
                .build();
    }

    private Response run(ImportFormat format, InputStream body) throws IOException {
        ImportRecord result;
        try {
            result = importer.run(format, body, Registrant.of(identity));
        } catch (ImportFileException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ApiError(400, e.getMessage(), e.errors()))
                    .build();
        }
        return Response.status(status(result))
                .entity(ImportView.of(result))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    private static Response.Status status(ImportRecord r) {
        if (r.state() == ImportState.FAILED) {
            return r.lines() == 0 ? Response.Status.BAD_REQUEST : Response.Status.SERVICE_UNAVAILABLE;
        }
        return r.accepted() + r.unchanged() == 0 ? Response.Status.BAD_REQUEST : Response.Status.OK;
    }
}
