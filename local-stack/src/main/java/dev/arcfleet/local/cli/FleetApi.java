package dev.arcfleet.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One service's REST API as the local admin ({@code Authorization: Bearer} with the token of {@code .local/admin-token}),
 * with Jackson for bodies. A refusal (any status but 2xx) is an {@link ApiException} carrying the error body's
 * {@code message}; a service that does not answer is an {@link UnreachableException}.
 */
public final class FleetApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String service;
    private final String baseUrl;
    private final String token;

    /** @param token the bearer token, or null for the calls that need none */
    public FleetApi(String service, String baseUrl, String token) {
        this.service = service;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** An answer: its status and its body (JSON, or the text as a JSON string when it is not JSON). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public JsonNode get(String path) {
        return expect(call("GET", path, null, null));
    }

    public JsonNode post(String path, JsonNode body) {
        return expect(call("POST", path, body == null ? null : body.toString(), "application/json"));
    }

    /** Sends a request and returns the answer whatever its status; unreachable only when nothing answered. */
    public Answer call(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(300))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), parse(r.body()));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new UnreachableException(
                    service + "-service does not answer at " + baseUrl + " (is the stack up? bin/fleet-local up)", e);
        } catch (IOException e) {
            throw new UnreachableException(service + "-service did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while calling " + service + "-service", e);
        }
    }

    /** The body of a 2xx answer; else an ApiException with its message. */
    public static JsonNode expect(Answer answer) {
        if (!answer.ok()) {
            throw new ApiException(answer.status(), message(answer.body()));
        }
        return answer.body();
    }

    /** The {@code message} of an error body ({"status":..., "message":"...", "errors":[...]}), else the whole body. */
    static String message(JsonNode body) {
        if (body.isObject() && body.path("message").isTextual()) {
            StringBuilder m = new StringBuilder(body.path("message").asText());
            // the field errors the message does not already say
            for (JsonNode error : body.path("errors")) {
                String text = error.path("message").asText(error.toString());
                if (!m.toString().contains(text)) {
                    m.append("; ")
                            .append(error.path("field").asText(""))
                            .append(error.has("field") ? ": " : "")
                            .append(text);
                }
            }
            return m.toString();
        }
        return body.isTextual() ? body.asText() : body.toString();
    }

    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return TextNode.valueOf("");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text.strip());
        }
    }
}
