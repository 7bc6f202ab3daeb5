package dev.arcfleet.executor.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;

/**
 * Adds {@code Authorization: Bearer} from a {@link TokenCredential}, caching the token until shortly before it
 * expires. Unlike the SDK's own policy it also works over plain HTTP, which the local ARM emulator speaks; against
 * Azure the endpoint is HTTPS anyway. The token is never logged.
 */
public class BearerTokenPolicy implements HttpPipelinePolicy {
    private final TokenCredential credential;
    private final TokenRequestContext request;
    private volatile AccessToken token;

    public BearerTokenPolicy(TokenCredential credential, String scope) {
        this.credential = credential;
        this.request = new TokenRequestContext().addScopes(scope);
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + token().getToken());
        return next.process();
    }

    private AccessToken token() {
        AccessToken current = token;
        if (current == null || current.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
            synchronized (this) {
                current = token;
                if (current == null || current.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
                    current = credential.getTokenSync(request);
                    token = current;
                }
            }
        }
        return current;
    }
}
