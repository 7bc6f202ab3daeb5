package dev.arcfleet.executor.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.executor.route.arck8s.AgentKeys;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.executor.route.iotops.IotOperationsSteps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each route fills in its own placeholders, from what the running step reads, and secrets only into Secrets. */
class RoutePlaceholdersTest {
    static final List<String> ROUTE_PLACEHOLDERS = List.of(
            ArcK8sSteps.AGENT_PUBLIC_KEY,
            ArcK8sSteps.AGENT_PRIVATE_KEY,
            CompanionVmSteps.SP_CLIENT_ID,
            CompanionVmSteps.SP_CLIENT_SECRET,
            CompanionVmSteps.SP_TENANT_ID);

    final RoutePlaceholders arcK8s = new ArcK8sSteps(RouteContractTest.AGENTS, null).placeholders();
    final RoutePlaceholders companionVm = new CompanionVmSteps("image", 1, 1024, Duration.ofSeconds(30)).placeholders();

    /** Answers from maps and notes what was read. */
    static final class Values implements StepValues {
        final Map<String, Object> current = new HashMap<>();
        final Map<String, Map<String, String>> secrets = new HashMap<>();
        final List<String> reads = new ArrayList<>();

        @Override
        public Object currentArmProperty(String path) {
            reads.add("arm " + path);
            return current.get(path);
        }

        @Override
        public Map<String, String> clusterSecret(String namespace, String name) {
            reads.add("secret " + namespace + "/" + name);
            return secrets.get(namespace + "/" + name);
        }

        @Override
        public String onboardingPrincipal(String field) {
            reads.add("principal " + field);
            return "principal-" + field;
        }
    }

    @Test
    void aConnectedClusterKeepsItsOwnPublicKey() {
        Values values = new Values();
        values.current.put("properties.agentPublicKeyCertificate", "MIIC-existing");

        assertThat(arcK8s.inArmBody(ArcK8sSteps.AGENT_PUBLIC_KEY, values)).isEqualTo("MIIC-existing");
        assertThat(values.reads).containsExactly("arm properties.agentPublicKeyCertificate");
    }

    @Test
    void aNewConnectedClusterGetsThePublicHalfOfTheKeyInTheClustersSecret() {
        AgentKeys.Encoded key = AgentKeys.generate();
        Values values = new Values();
        values.current.put("properties.agentPublicKeyCertificate", " ");
        values.secrets.put(
                ArcConnection.NAMESPACE + "/" + ArcK8sSteps.AGENT_KEY_SECRET,
                Map.of(ArcK8sSteps.AGENT_KEY_FIELD, key.privateKeyPem()));

        assertThat(arcK8s.inArmBody(ArcK8sSteps.AGENT_PUBLIC_KEY, values)).isEqualTo(key.publicKeyBase64());
    }

    @Test
    void withoutTheAgentKeySecretThePublicKeyIsNotReadyYet() {
        assertThatThrownBy(() -> arcK8s.inArmBody(ArcK8sSteps.AGENT_PUBLIC_KEY, new Values()))
                .isInstanceOf(PlaceholderNotReady.class)
                .hasMessage("the agent key Secret azure-arc/azure-arc-connect-privatekey is not in the cluster");
        Values noField = new Values();
        noField.secrets.put(ArcConnection.NAMESPACE + "/" + ArcK8sSteps.AGENT_KEY_SECRET, Map.of("other", "x"));
        assertThatThrownBy(() -> arcK8s.inArmBody(ArcK8sSteps.AGENT_PUBLIC_KEY, noField))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the agent key Secret has no privateKey");
    }

    @Test
    void theAgentPrivateKeyIsNewAndGoesOnlyIntoTheSecret() {
        Values values = new Values();
        String pem = arcK8s.inSecret(ArcK8sSteps.AGENT_PRIVATE_KEY, values);

        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(AgentKeys.publicKeyOfPem(pem)).isNotBlank();
        assertThat(arcK8s.inSecret(ArcK8sSteps.AGENT_PRIVATE_KEY, values))
                .as("a new key each time")
                .isNotEqualTo(pem);
        assertThat(arcK8s.inArmBody(ArcK8sSteps.AGENT_PRIVATE_KEY, values)).isNull();
        assertThat(values.reads).isEmpty();
    }

    @Test
    void theOnboardingPrincipalGoesOnlyIntoTheCompanionVmsSecret() {
        Values values = new Values();

        assertThat(companionVm.inSecret(CompanionVmSteps.SP_CLIENT_ID, values)).isEqualTo("principal-clientId");
        assertThat(companionVm.inSecret(CompanionVmSteps.SP_CLIENT_SECRET, values))
                .isEqualTo("principal-clientSecret");
        assertThat(companionVm.inSecret(CompanionVmSteps.SP_TENANT_ID, values)).isEqualTo("principal-tenantId");
        for (String placeholder : ROUTE_PLACEHOLDERS) {
            assertThat(companionVm.inArmBody(placeholder, values))
                    .as(placeholder)
                    .isNull();
        }
    }

    @Test
    void aRouteLeavesOtherRoutesPlaceholdersAndArmReferencesAlone() {
        Values values = new Values();
        String reference = Placeholders.arm("/subscriptions/s/x", "2023-01-01", "properties.customerId");
        for (String placeholder :
                List.of(CompanionVmSteps.SP_CLIENT_ID, CompanionVmSteps.SP_CLIENT_SECRET, reference)) {
            assertThat(arcK8s.inSecret(placeholder, values)).as(placeholder).isNull();
            assertThat(arcK8s.inArmBody(placeholder, values)).as(placeholder).isNull();
        }
        for (String placeholder : List.of(ArcK8sSteps.AGENT_PUBLIC_KEY, ArcK8sSteps.AGENT_PRIVATE_KEY, reference)) {
            assertThat(companionVm.inSecret(placeholder, values))
                    .as(placeholder)
                    .isNull();
        }
        RoutePlaceholders iotOps = new IotOperationsSteps(Duration.ofSeconds(30)).placeholders();
        assertThat(iotOps).isSameAs(RoutePlaceholders.NONE);
        for (String placeholder : ROUTE_PLACEHOLDERS) {
            assertThat(iotOps.inSecret(placeholder, values)).isNull();
            assertThat(iotOps.inArmBody(placeholder, values)).isNull();
        }
        assertThat(values.reads).isEmpty();
    }
}
