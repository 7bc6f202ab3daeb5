package dev.arcfleet.executor.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.time.OffsetDateTime;
import reactor.core.publisher.Mono;

/**
 * Adds {@code Authorization: Bearer} from a {@link TokenCredential}, caching the token until shortly before it
 * expires. Unlike the SDK's own policy it also works over plain HTTP, which the local ARM emulator speaks; against
 * Azure the endpoint is HTTPS anyway. The token is never logged, and goes only to the ARM endpoint's origin.
 */
public class BearerTokenPolicy implements HttpPipelinePolicy {
    private final TokenCredential credential;
    private final TokenRequestContext request;
    private final ArmEndpoint endpoint;
    private volatile AccessToken token;

    /** {@code endpoint}: the only origin the token is sent to; a request anywhere else goes without it. */
    public BearerTokenPolicy(TokenCredential credential, String scope, ArmEndpoint endpoint) {
        this.credential = credential;
        this.request = new TokenRequestContext().addScopes(scope);
        this.endpoint = endpoint;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        if (endpoint.owns(context.getHttpRequest().getUrl().toString())) {
            context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + token().getToken());
        } else {
            context.getHttpRequest().getHeaders().remove(HttpHeaderName.AUTHORIZATION);
        }
        return next.process();
    }

    private AccessToken token() {
        AccessToken current = token;
        if (current == null
                || current.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
            synchronized (this) {
                current = token;
                if (current == null
                        || current.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
                    current = credential.getTokenSync(request);
                    token = current;
                }
            }
        }
        return current;
    }
}
