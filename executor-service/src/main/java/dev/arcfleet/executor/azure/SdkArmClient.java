package dev.arcfleet.executor.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.FluxUtil;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluent.ResourceManagementClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import com.azure.resourcemanager.resources.fluent.models.ResourceGroupInner;
import com.azure.resourcemanager.resources.models.ExtendedLocation;
import com.azure.resourcemanager.resources.models.ExtendedLocationType;
import com.azure.resourcemanager.resources.models.Identity;
import com.azure.resourcemanager.resources.models.ResourceIdentityType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;

/**
 * {@link ArmClient} on {@code azure-resourcemanager}: resource groups through the typed client, everything else as
 * generic resources by id (connected clusters, cluster extensions, hybrid machines, custom locations, IoT Operations
 * have no typed client here). The pipeline has no retry policy: 429 and 5xx surface as {@link ArmException} and the
 * step engine reschedules, so no worker sleeps inside an HTTP call.
 */
public class SdkArmClient implements ArmClient {
    private static final Pattern RESOURCE_GROUP =
            Pattern.compile("(?i)^/subscriptions/([^/]+)/resourcegroups/([^/]+)/?$");

    /** A resource provider's registration in the subscription ({@code Providers_Get}). */
    private static final Pattern PROVIDER = Pattern.compile("(?i)^/subscriptions/[^/]+/providers/([^/]+)/?$");

    private static final HttpHeaderName ASYNC_OPERATION = HttpHeaderName.fromString("Azure-AsyncOperation");
    private static final HttpHeaderName RETRY_AFTER = HttpHeaderName.fromString("Retry-After");

    private final ResourceManagementClient client;
    private final HttpPipeline pipeline;
    /** The ARM endpoint's base URL, without a trailing slash: where lists start. */
    private final String base;

    private final ObjectMapper mapper = new ObjectMapper();
    private final ArmEndpoint endpoint;

    /** {@code endpoint}: the ARM endpoint, the only origin a poll URL may be on. */
    public SdkArmClient(HttpPipeline pipeline, AzureProfile profile, ArmEndpoint endpoint) {
        this.pipeline = pipeline;
        this.endpoint = endpoint;
        String manager = profile.getEnvironment().getResourceManagerEndpoint();
        this.base = manager.endsWith("/") ? manager.substring(0, manager.length() - 1) : manager;
        this.client = ResourceManager.authenticate(pipeline, profile)
                .withSubscription(profile.getSubscriptionId())
                .serviceClient();
    }

    @Override
    public Optional<ArmResource> get(String resourceId, String apiVersion) {
        try {
            Matcher rg = RESOURCE_GROUP.matcher(resourceId);
            if (rg.matches()) {
                ResourceGroupInner group = client.getResourceGroups().get(rg.group(2));
                Map<String, Object> properties = new LinkedHashMap<>();
                properties.put(
                        "provisioningState",
                        group.properties() == null
                                ? "Succeeded"
                                : group.properties().provisioningState());
                return Optional.of(new ArmResource(group.id(), properties));
            }
            Matcher provider = PROVIDER.matcher(resourceId);
            if (provider.matches()) {
                var registration = client.getProviders().get(provider.group(1));
                return Optional.of(new ArmResource(
                        registration.id(),
                        Map.of(),
                        Map.of(
                                "namespace",
                                registration.namespace(),
                                "registrationState",
                                String.valueOf(registration.registrationState()))));
            }
            GenericResourceInner resource = client.getResources().getById(resourceId, apiVersion);
            return Optional.of(new ArmResource(resource.id(), asMap(resource.properties()), envelope(resource)));
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw translate("GET", resourceId, e);
        } catch (RuntimeException e) {
            throw connectionFailure("GET", resourceId, e);
        }
    }

    @Override
    public ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body) {
        try {
            Matcher rg = RESOURCE_GROUP.matcher(resourceId);
            if (rg.matches()) {
                // the tags too: a group's body is location and tags (resources.json, ResourceGroup)
                ResourceGroupInner group = client.getResourceGroups()
                        .createOrUpdate(
                                rg.group(2),
                                new ResourceGroupInner()
                                        .withLocation(String.valueOf(body.get("location")))
                                        .withTags(toInner(body).tags()));
                return new ArmAccepted(
                        200,
                        null,
                        group.properties() == null ? null : group.properties().provisioningState());
            }
            Response<Flux<ByteBuffer>> response = client.getResources()
                    .createOrUpdateByIdWithResponseAsync(resourceId, apiVersion, toInner(body))
                    .block();
            if (response == null) {
                throw new ArmException(0, "NoResponse", "PUT " + resourceId + " got no response", null, null);
            }
            HttpHeaders headers = response.getHeaders();
            String operation = headers.getValue(ASYNC_OPERATION) != null
                    ? headers.getValue(ASYNC_OPERATION)
                    : response.getStatusCode() == 202 ? headers.getValue(HttpHeaderName.LOCATION) : null;
            if (operation != null) {
                endpoint.requireOwned(operation, "PUT " + resourceId); // never stored, never followed
            }
            byte[] content =
                    FluxUtil.collectBytesInByteBufferStream(response.getValue()).block();
            return new ArmAccepted(
                    response.getStatusCode(),
                    operation,
                    provisioningState(content),
                    operation == null ? null : retryAfter(headers.getValue(RETRY_AFTER)));
        } catch (ManagementException e) {
            throw translate("PUT", resourceId, e);
        } catch (RuntimeException e) {
            throw connectionFailure("PUT", resourceId, e);
        }
    }

    @Override
    public ArmAccepted delete(String resourceId, String apiVersion) {
        String url = base + resourceId + "?api-version=" + apiVersion;
        endpoint.requireOwned(url, "DELETE " + resourceId);
        try (HttpResponse response =
                pipeline.send(new HttpRequest(HttpMethod.DELETE, url)).block()) {
            if (response == null) {
                throw new ArmException(0, "NoResponse", "DELETE " + resourceId + " got no response", null, null);
            }
            int status = response.getStatusCode();
            if (status == 404) {
                return new ArmAccepted(404, null, null);
            }
            String text = response.getBodyAsString().defaultIfEmpty("").block();
            if (status >= 400) {
                JsonNode error = readTree(text).path("error");
                throw new ArmException(
                        status,
                        error.path("code").asText(null),
                        "DELETE " + resourceId + " answered " + status + ": "
                                + error.path("message").asText(text),
                        retryAfter(response.getHeaderValue(RETRY_AFTER)),
                        null);
            }
            String operation = response.getHeaderValue(ASYNC_OPERATION) != null
                    ? response.getHeaderValue(ASYNC_OPERATION)
                    : status == 202 ? response.getHeaderValue(HttpHeaderName.LOCATION) : null;
            if (operation != null) {
                endpoint.requireOwned(operation, "DELETE " + resourceId); // never stored, never followed
            }
            return new ArmAccepted(
                    status,
                    operation,
                    null,
                    operation == null ? null : retryAfter(response.getHeaderValue(RETRY_AFTER)));
        } catch (ArmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw connectionFailure("DELETE", resourceId, e);
        }
    }

    @Override
    public List<ArmResource> list(String collectionId, String apiVersion) {
        List<ArmResource> all = new ArrayList<>();
        String url = base + collectionId + "?api-version=" + apiVersion;
        while (url != null) {
            endpoint.requireOwned(url, "listing " + collectionId);
            try (HttpResponse response =
                    pipeline.send(new HttpRequest(HttpMethod.GET, url)).block()) {
                if (response == null) {
                    throw new ArmException(0, "NoResponse", "GET " + collectionId + " got no response", null, null);
                }
                int status = response.getStatusCode();
                String text = response.getBodyAsString().defaultIfEmpty("").block();
                if (status >= 400) {
                    JsonNode error = readTree(text).path("error");
                    throw new ArmException(
                            status,
                            error.path("code").asText(null),
                            "listing " + collectionId + " answered " + status + ": "
                                    + error.path("message").asText(text),
                            retryAfter(response.getHeaderValue(RETRY_AFTER)),
                            null);
                }
                JsonNode page = readTree(text);
                for (JsonNode item : page.path("value")) {
                    Map<String, Object> envelope = new LinkedHashMap<>();
                    item.fields().forEachRemaining(f -> {
                        if (!f.getKey().equals("properties")) {
                            envelope.put(f.getKey(), mapper.convertValue(f.getValue(), Object.class));
                        }
                    });
                    @SuppressWarnings("unchecked")
                    Map<String, Object> properties =
                            item.has("properties") ? mapper.convertValue(item.get("properties"), Map.class) : Map.of();
                    all.add(new ArmResource(item.path("id").asText(), properties, envelope));
                }
                String next = page.path("nextLink").asText("");
                url = next.isBlank() ? null : next;
            } catch (ArmException e) {
                throw e;
            } catch (RuntimeException e) {
                throw connectionFailure("GET", collectionId, e);
            }
        }
        return all;
    }

    @Override
    public ArmOperation operation(String url) {
        endpoint.requireOwned(url, "an ARM operation being polled");
        try (HttpResponse response =
                pipeline.send(new HttpRequest(HttpMethod.GET, url)).block()) {
            if (response == null) {
                throw new ArmException(0, "NoResponse", "GET " + url + " got no response", null, null);
            }
            int status = response.getStatusCode();
            String text = response.getBodyAsString().defaultIfEmpty("").block();
            if (status == 429 || status >= 400) {
                JsonNode error = readTree(text).path("error");
                throw new ArmException(
                        status,
                        error.path("code").asText(null),
                        "polling " + url + " answered " + status + ": "
                                + error.path("message").asText(text),
                        retryAfter(response.getHeaderValue(RETRY_AFTER)),
                        null);
            }
            Duration retryAfter = retryAfter(response.getHeaderValue(RETRY_AFTER));
            if (status == 202) {
                return new ArmOperation("InProgress", null, retryAfter);
            }
            JsonNode body = readTree(text);
            if (!body.hasNonNull("status")) {
                return new ArmOperation("Succeeded", null); // a Location poll answering 200/201/204 is done
            }
            JsonNode error = body.path("error");
            return new ArmOperation(
                    body.get("status").asText(),
                    error.isMissingNode()
                            ? null
                            : error.path("code").asText("") + ": "
                                    + error.path("message").asText(""),
                    retryAfter);
        } catch (ArmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw connectionFailure("GET", url, e);
        }
    }

    private String provisioningState(byte[] content) {
        JsonNode state = readTree(content == null ? "" : new String(content, StandardCharsets.UTF_8))
                .path("properties")
                .path("provisioningState");
        return state.isMissingNode() || state.isNull() ? null : state.asText();
    }

    private JsonNode readTree(String text) {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode();
        }
    }

    @SuppressWarnings("unchecked")
    static GenericResourceInner toInner(Map<String, Object> body) {
        GenericResourceInner inner = new GenericResourceInner();
        if (body.get("location") != null) {
            inner.withLocation(body.get("location").toString());
        }
        if (body.get("tags") instanceof Map<?, ?> tags) {
            Map<String, String> t = new LinkedHashMap<>();
            tags.forEach((k, v) -> t.put(String.valueOf(k), String.valueOf(v)));
            inner.withTags(t);
        }
        if (body.get("identity") instanceof Map<?, ?> identity && identity.get("type") != null) {
            inner.withIdentity(new Identity()
                    .withType(
                            ResourceIdentityType.fromString(identity.get("type").toString())));
        }
        if (body.get("extendedLocation") instanceof Map<?, ?> location) {
            inner.withExtendedLocation(new ExtendedLocation()
                    .withType(ExtendedLocationType.fromString(String.valueOf(location.get("type"))))
                    .withName(String.valueOf(location.get("name"))));
        }
        if (body.get("kind") != null) {
            inner.withKind(body.get("kind").toString());
        }
        if (body.get("sku") instanceof Map<?, ?> sku && sku.get("name") != null) {
            inner.withSku(new com.azure.resourcemanager.resources.models.Sku()
                    .withName(sku.get("name").toString()));
        }
        inner.withProperties(body.getOrDefault("properties", Map.of()));
        return inner;
    }

    /** What a generic resource says beside its properties, as the ARM body has it. */
    static Map<String, Object> envelope(GenericResourceInner resource) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        if (resource.location() != null) {
            envelope.put("location", resource.location());
        }
        if (resource.tags() != null) {
            envelope.put("tags", new LinkedHashMap<>(resource.tags()));
        }
        if (resource.kind() != null) {
            envelope.put("kind", resource.kind());
        }
        if (resource.sku() != null && resource.sku().name() != null) {
            envelope.put("sku", Map.of("name", resource.sku().name()));
        }
        if (resource.identity() != null) {
            Map<String, Object> identity = new LinkedHashMap<>();
            if (resource.identity().type() != null) {
                identity.put("type", resource.identity().type().toString());
            }
            if (resource.identity().principalId() != null) {
                identity.put("principalId", resource.identity().principalId());
            }
            if (resource.identity().tenantId() != null) {
                identity.put("tenantId", resource.identity().tenantId());
            }
            envelope.put("identity", identity);
        }
        if (resource.extendedLocation() != null) {
            Map<String, Object> location = new LinkedHashMap<>();
            location.put("name", resource.extendedLocation().name());
            location.put(
                    "type",
                    resource.extendedLocation().type() == null
                            ? null
                            : resource.extendedLocation().type().toString());
            envelope.put("extendedLocation", location);
        }
        return envelope;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object properties) {
        return properties instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static ArmException translate(String method, String resourceId, ManagementException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = e.getValue() == null ? null : e.getValue().getCode();
        String message = e.getValue() == null ? e.getMessage() : e.getValue().getMessage();
        Duration retryAfter =
                retryAfter(e.getResponse() == null ? null : e.getResponse().getHeaderValue("Retry-After"));
        String text =
                method + " " + resourceId + " answered " + status + (code == null ? "" : " " + code) + ": " + message;
        if ("MissingSubscriptionRegistration".equalsIgnoreCase(code)) {
            String namespace = providerNamespace(resourceId);
            text = "the subscription is not registered for resource provider " + namespace + " (" + message
                    + "); register it once with: az provider register --namespace " + namespace;
        }
        return new ArmException(status, code, text, retryAfter, e);
    }

    private static ArmException connectionFailure(String method, String resourceId, RuntimeException e) {
        if (e instanceof ArmException arm) {
            return arm;
        }
        return new ArmException(
                0, e.getClass().getSimpleName(), method + " " + resourceId + " failed: " + e.getMessage(), null, e);
    }

    static Duration retryAfter(String header) {
        return retryAfter(header, java.time.Instant.now());
    }

    /**
     * A {@code Retry-After} value (RFC 9110, 10.2.3): delta-seconds, or an HTTP-date (a date already past is no wait);
     * null when absent or unreadable.
     */
    static Duration retryAfter(String header, java.time.Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            Duration until = Duration.between(
                    now,
                    java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static String providerNamespace(String resourceId) {
        String lower = resourceId.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf("/providers/");
        if (at < 0) {
            return "Microsoft.Resources";
        }
        String rest = resourceId.substring(at + "/providers/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
