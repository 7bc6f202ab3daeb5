package dev.arcfleet.executor.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.route.arck8s.AgentKeys;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the live contract, as plain Java: key encodings, the connection guard, placeholders, the steps. */
class RouteContractTest {
    static final AzureTarget AZURE = new AzureTarget("sub-1", "rg-1", "westeurope");
    static final ArcK8sSteps.Agents AGENTS = new ArcK8sSteps.Agents(
            "oci://example/azure-arc-k8sagents", "1.35.3", "helm:3", "AZUREPUBLICCLOUD", "tenant-1", "oid-1");

    @Test
    void eachAgentKeyIsCountedWithTheCpuItTook() {
        long before = AgentKeys.generated();
        double cpuBefore = AgentKeys.cpuSeconds();
        AgentKeys.generate();
        AgentKeys.generate();
        // at least: nothing else in this JVM generates keys while a plain unit test runs, but counting never goes down
        assertThat(AgentKeys.generated() - before).isGreaterThanOrEqualTo(2);
        // an RSA 4096 key pair takes far more than a millisecond of CPU
        assertThat(AgentKeys.cpuSeconds() - cpuBefore).isGreaterThan(0.001);
    }

    @Test
    void theAgentPublicKeyIsThePkcs1HalfOfThePkcs1PrivateKey() throws Exception {
        AgentKeys.Encoded keys = AgentKeys.generate();
        assertThat(keys.privateKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(AgentKeys.publicKeyOfPem(keys.privateKeyPem())).isEqualTo(keys.publicKeyBase64());
        // PKCS#1 RSAPublicKey wrapped in X.509's envelope is a key the JDK reads, with a 4096-bit modulus
        byte[] pkcs1 = Base64.getDecoder().decode(keys.publicKeyBase64());
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] bitString = concat(
                new byte[] {0x03, (byte) 0x82, (byte) ((pkcs1.length + 1) >> 8), (byte) (pkcs1.length + 1), 0x00},
                pkcs1);
        byte[] inner = concat(algorithm, bitString);
        byte[] spki = concat(new byte[] {0x30, (byte) 0x82, (byte) (inner.length >> 8), (byte) inner.length}, inner);
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        assertThat(key.getModulus().bitLength()).isEqualTo(4096);
        assertThat(key.getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
        assertThat(keys.toString()).doesNotContain(keys.privateKeyPem().substring(40, 80));
    }

    @Test
    void theGuardAdoptsThisResourceRefusesAnotherAndRunsOnAFreshCluster() {
        ArcConnection guard = new ArcConnection("sub-1", "rg-1", "ghent");
        assertThat(guard.judge(null).state()).isEqualTo(ArcConnection.State.NOT_CONNECTED);
        assertThat(guard.judge(Map.of(
                                "AZURE_SUBSCRIPTION_ID",
                                "SUB-1",
                                "AZURE_RESOURCE_GROUP",
                                "RG-1",
                                "AZURE_RESOURCE_NAME",
                                "Ghent"))
                        .state())
                .isEqualTo(ArcConnection.State.THIS_RESOURCE);
        ArcConnection.Verdict other = guard.judge(Map.of(
                "AZURE_SUBSCRIPTION_ID", "sub-1", "AZURE_RESOURCE_GROUP", "rg-9", "AZURE_RESOURCE_NAME", "ghent"));
        assertThat(other.state()).isEqualTo(ArcConnection.State.OTHER_RESOURCE);
        assertThat(other.detail())
                .contains("'rg-9'")
                .contains("az connectedk8s delete --name ghent --resource-group rg-9");
    }

    @Test
    void placeholdersReplaceWholeValuesAndEscapeInsideJson() {
        Map<String, Object> resolved = Placeholders.resolve(
                Map.of("a", "${x}", "b", List.of("{\"k\":\"${x}\"}"), "c", 3),
                p -> p.equals("${x}") ? "q\"uote" : null);
        assertThat(resolved).containsEntry("a", "q\"uote").containsEntry("c", 3);
        assertThat(resolved.get("b")).isEqualTo(List.of("{\"k\":\"q\\\"uote\"}"));
        Placeholders.ArmReference ref = Placeholders.armReference(
                Placeholders.arm("/subscriptions/s/x", "2022-10-01", "properties.customerId"));
        assertThat(ref)
                .isEqualTo(new Placeholders.ArmReference("/subscriptions/s/x", "2022-10-01", "properties.customerId"));
        assertThat(Placeholders.armReference("${agentPublicKey}")).isNull();
    }

    @Test
    void containsComparesWhatIsStatedAndSkipsWhatTheServerNeverReturns() {
        Map<String, Object> have =
                Map.of("properties", Map.of("a", "Succeeded", "n", 2, "extra", true), "location", "West Europe");
        assertThat(Contains.contains(
                        have, Map.of("properties", Map.of("a", "succeeded", "n", 2.0)), Set.of(), true, false))
                .isTrue();
        assertThat(Contains.contains(have, Map.of("properties", Map.of("a", "succeeded")), Set.of(), false, false))
                .isFalse();
        assertThat(Contains.contains(have, Map.of("location", "westeurope"), Set.of("location"), true, false))
                .isTrue();
        assertThat(Contains.contains(have, Map.of("properties", Map.of("key", "${k}")), Set.of(), true, true))
                .isTrue();
        assertThat(Contains.contains(have, Map.of("properties", Map.of("missing", "x")), Set.of(), true, true))
                .isFalse();
    }

    @Test
    void arcStepsCheckTheClusterBeforeWritingAndRevokeTheInstallerAfter() {
        List<StepSpec> steps = new ArcK8sSteps(AGENTS, null).steps(plan(List.of(Capability.GITOPS)), AZURE);
        assertThat(steps)
                .extracting(StepSpec::name)
                .containsExactly(
                        "ensure-namespaces",
                        "ensure-agent-key-secret",
                        "ensure-resource-group",
                        "put-connected-cluster",
                        "install-arc-agents",
                        "await-agents-installed",
                        "revoke-installer-rights",
                        "await-connected",
                        "extension-flux");
        assertThat(steps.get(0).guard()).isNotNull();
        assertThat(steps.get(1).kube().get(0).action()).isEqualTo(KubeAction.CREATE_ONLY);
        assertThat(steps.get(4).kube().get(2).action()).isEqualTo(KubeAction.REPLACE);
        assertThat(steps.get(6).kube()).extracting(KubeObject::action).containsOnly(KubeAction.DELETE);
        String args = steps.get(4).kube().get(2).manifest().toString();
        assertThat(args)
                .contains("--version, 1.35.3")
                .contains("global.kubernetesDistro=talos")
                .doesNotContain("customLocations");
    }

    @Test
    void anIotClusterGetsItsOidcIssuerAndCustomLocationsOrARefusalWithoutTheObjectId() {
        OnboardingPlan iot = plan(List.of(Capability.EDGE_DATA));
        List<StepSpec> steps = new ArcK8sSteps(AGENTS, null).steps(iot, AZURE);
        assertThat(steps.get(3).arm().get(0).body().toString())
                .contains("oidcIssuerProfile={enabled=true}")
                .contains("workloadIdentity={enabled=true}");
        assertThat(steps.get(4).kube().get(2).manifest().toString())
                .contains("systemDefaultValues.customLocations.oid=oid-1");
        ArcK8sSteps.Agents noOid = new ArcK8sSteps.Agents("oci://x", "1.35.3", "helm", "AZUREPUBLICCLOUD", null, null);
        StepSpec install = new ArcK8sSteps(noOid, null).steps(iot, AZURE).get(4);
        assertThat(install.refusal()).contains("executor.agents.custom-locations-object-id");
    }

    @Test
    void agentsThatTakeTheirKeyAsAHelmValueAreRefused() {
        assertThatThrownBy(() -> new ArcK8sSteps.Agents("oci://x", "1.34.9", "helm", "AZUREPUBLICCLOUD", null, null))
                .hasMessageContaining("1.35.3");
        assertThatThrownBy(() -> new ArcK8sSteps.Agents("oci://x", "", "helm", "AZUREPUBLICCLOUD", null, null))
                .hasMessageContaining("pinned");
    }

    private static OnboardingPlan plan(List<Capability> capabilities) {
        return new OnboardingPlan(
                "p1",
                "c1",
                Instant.EPOCH,
                "plan-1",
                "r1",
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, "ghent"),
                List.of("ghent/n1"),
                capabilities,
                List.of(),
                null,
                "v1",
                Map.of("distribution", "talos"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
