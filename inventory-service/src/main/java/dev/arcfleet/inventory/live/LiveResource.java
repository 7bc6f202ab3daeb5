package dev.arcfleet.inventory.live;

import dev.arcfleet.support.rest.ApiError;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** {@code GET /api/v1/live}: registry changes as server-sent events, after they are committed. */
@Path("/api/v1/live")
public class LiveResource {
    private final LiveEvents live;

    public LiveResource(LiveEvents live) {
        this.live = live;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveEvent> live() {
        return live.stream()
                .orElseThrow(() -> new WebApplicationException(ApiError.retryLater(
                        503, "too many live streams are open (fleet.live.max-subscribers); try again later", 30)));
    }
}
