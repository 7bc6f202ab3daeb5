package dev.arcfleet.testsupport.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls to an {@link ArmEmulator} over HTTP, with a bearer token, as the emulator's own tests make them. */
final class ArmHttp {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArmEmulator arm;

    ArmHttp(ArmEmulator arm) {
        this.arm = arm;
    }

    /** {@code method} with no body on a path below the emulator's endpoint, or on a full URL it handed out. */
    HttpResponse<String> send(String method, String pathOrUrl) throws IOException, InterruptedException {
        return send(method, pathOrUrl, null);
    }

    /** {@code method} on a path below the emulator's endpoint, or on a full URL it handed out; JSON {@code body} or none. */
    HttpResponse<String> send(String method, String pathOrUrl, String body) throws IOException, InterruptedException {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : arm.endpoint() + pathOrUrl;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer emulator-test-token")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
