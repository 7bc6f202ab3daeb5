package dev.arcfleet.executor.azure;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.rest.Response;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluent.ResourceManagementClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import com.azure.resourcemanager.resources.fluent.models.ResourceGroupInner;
import com.azure.resourcemanager.resources.models.ExtendedLocation;
import com.azure.resourcemanager.resources.models.ExtendedLocationType;
import com.azure.resourcemanager.resources.models.Identity;
import com.azure.resourcemanager.resources.models.ResourceIdentityType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ArmClient} on {@code azure-resourcemanager}: resource groups through the typed client, everything else as
 * generic resources by id (connected clusters, cluster extensions, hybrid machines, custom locations, IoT Operations
 * have no typed client here). The pipeline has no retry policy: 429 and 5xx surface as {@link ArmException} and the
 * step engine reschedules, so no worker sleeps inside an HTTP call.
 */
public class SdkArmClient implements ArmClient {
    private static final Pattern RESOURCE_GROUP = Pattern.compile("(?i)^/subscriptions/([^/]+)/resourcegroups/([^/]+)/?$");

    private final ResourceManagementClient client;

    public SdkArmClient(HttpPipeline pipeline, AzureProfile profile) {
        this.client = ResourceManager.authenticate(pipeline, profile).withSubscription(profile.getSubscriptionId())
                .serviceClient();
    }

    @Override
    public Optional<ArmResource> get(String resourceId, String apiVersion) {
        try {
            Matcher rg = RESOURCE_GROUP.matcher(resourceId);
            if (rg.matches()) {
                ResourceGroupInner group = client.getResourceGroups().get(rg.group(2));
                Map<String, Object> properties = new LinkedHashMap<>();
                properties.put("provisioningState", group.properties() == null ? "Succeeded" : group.properties().provisioningState());
                return Optional.of(new ArmResource(group.id(), properties));
            }
            GenericResourceInner resource = client.getResources().getById(resourceId, apiVersion);
            return Optional.of(new ArmResource(resource.id(), asMap(resource.properties())));
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
    public int put(String resourceId, String apiVersion, Map<String, Object> body) {
        try {
            Matcher rg = RESOURCE_GROUP.matcher(resourceId);
            if (rg.matches()) {
                client.getResourceGroups().createOrUpdate(rg.group(2),
                        new ResourceGroupInner().withLocation(String.valueOf(body.get("location"))));
                return 200;
            }
            Response<?> response = client.getResources().createOrUpdateByIdWithResponseAsync(resourceId, apiVersion,
                    toInner(body)).block();
            return response == null ? 0 : response.getStatusCode();
        } catch (ManagementException e) {
            throw translate("PUT", resourceId, e);
        } catch (RuntimeException e) {
            throw connectionFailure("PUT", resourceId, e);
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
            inner.withIdentity(new Identity().withType(ResourceIdentityType.fromString(identity.get("type").toString())));
        }
        if (body.get("extendedLocation") instanceof Map<?, ?> location) {
            inner.withExtendedLocation(new ExtendedLocation()
                    .withType(ExtendedLocationType.fromString(String.valueOf(location.get("type"))))
                    .withName(String.valueOf(location.get("name"))));
        }
        if (body.get("kind") != null) {
            inner.withKind(body.get("kind").toString());
        }
        inner.withProperties(body.getOrDefault("properties", Map.of()));
        return inner;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object properties) {
        return properties instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static ArmException translate(String method, String resourceId, ManagementException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = e.getValue() == null ? null : e.getValue().getCode();
        String message = e.getValue() == null ? e.getMessage() : e.getValue().getMessage();
        Duration retryAfter = retryAfter(e.getResponse() == null ? null : e.getResponse().getHeaderValue("Retry-After"));
        String text = method + " " + resourceId + " answered " + status + (code == null ? "" : " " + code) + ": " + message;
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
        return new ArmException(0, e.getClass().getSimpleName(), method + " " + resourceId + " failed: " + e.getMessage(),
                null, e);
    }

    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
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
