package dev.arcfleet.executor.route.arck8s;

import dev.arcfleet.executor.route.ArcConnection;
import dev.arcfleet.executor.route.PlaceholderNotReady;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.StepValues;
import java.util.Map;

/**
 * The agent key of {@code ARC_K8S}: {@link ArcK8sSteps#AGENT_PRIVATE_KEY} is a new key, only ever in the cluster's
 * Secret; {@link ArcK8sSteps#AGENT_PUBLIC_KEY} is the connected cluster's own key when it has one, else the public half
 * of the key in that Secret.
 */
public final class ArcK8sPlaceholders implements RoutePlaceholders {

    @Override
    public String inArmBody(String placeholder, StepValues values) {
        if (!ArcK8sSteps.AGENT_PUBLIC_KEY.equals(placeholder)) {
            return null;
        }
        Object existing = values.currentArmProperty("properties.agentPublicKeyCertificate");
        if (existing != null && !existing.toString().isBlank()) {
            return existing.toString();
        }
        Map<String, String> secret = values.clusterSecret(ArcConnection.NAMESPACE, ArcK8sSteps.AGENT_KEY_SECRET);
        if (secret == null) {
            throw new PlaceholderNotReady("the agent key Secret " + ArcConnection.NAMESPACE + "/"
                    + ArcK8sSteps.AGENT_KEY_SECRET + " is not in the cluster");
        }
        String pem = secret.get(ArcK8sSteps.AGENT_KEY_FIELD);
        if (pem == null) {
            throw new IllegalStateException("the agent key Secret has no " + ArcK8sSteps.AGENT_KEY_FIELD);
        }
        return AgentKeys.publicKeyOfPem(pem);
    }

    @Override
    public String inSecret(String placeholder, StepValues values) {
        return ArcK8sSteps.AGENT_PRIVATE_KEY.equals(placeholder)
                ? AgentKeys.generate().privateKeyPem()
                : null;
    }
}
