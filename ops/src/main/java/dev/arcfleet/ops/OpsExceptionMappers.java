package dev.arcfleet.ops;

import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.rest.ApiError;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The operator tools' refusals and failures as the API's error body. */
public class OpsExceptionMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return ApiError.badRequest(e.errors());
    }

    @ServerExceptionMapper
    public Response groupActive(GroupActiveException e) {
        return ApiError.response(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownGroup(UnknownGroupException e) {
        return ApiError.response(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public Response redriveStopped(RedriveStoppedException e) {
        Log.warnf(e.getCause(), "%s", LogSafe.of(e.getMessage(), 1000));
        return ApiError.response(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response brokerUnavailable(BrokerUnavailableException e) {
        Log.warnf(e.getCause(), "operator tool failed on the broker: %s", LogSafe.of(e.getMessage(), 1000));
        return ApiError.retryLater(503, e.getMessage(), 5);
    }
}
