package dev.arcfleet.support.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeconfigRulesTest {
    static final Path DIR = Path.of("/etc/arcfleet/kubeconfigs");
    static final String SETTING = "fleet.discovery.kubeconfig-dir";

    @Test
    void pathsOnlyInsideTheDirectory() {
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs/ghent.yaml"))
                .isNull();
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs/sub/ghent.yaml"))
                .isNull();
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/passwd"))
                .contains("inside")
                .contains(SETTING);
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs/../../passwd"))
                .contains("'..'");
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs"))
                .contains("inside");
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs-evil/x.yaml"))
                .contains("inside");
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "ghent.yaml")).contains("absolute");
        assertThat(KubeconfigRules.pathProblem(DIR, SETTING, "/etc/arcfleet/kubeconfigs/a\nb"))
                .contains("absolute");
    }

    @Test
    void onlyInlineCredentials() {
        Map<String, Object> inline = Map.of(
                "clusters",
                        List.of(Map.of(
                                "name",
                                "c",
                                "cluster",
                                Map.of("server", "https://k", "certificate-authority-data", "LS0t"))),
                "users", List.of(Map.of("name", "u", "user", Map.of("token", "t", "client-key-data", "LS0t"))));
        assertThat(KubeconfigRules.contentProblems(inline)).isEmpty();
        Map<String, Object> hostile = Map.of(
                "clusters",
                        List.of(Map.of(
                                "name",
                                "c",
                                "cluster",
                                Map.of("server", "https://k", "certificate-authority", "/var/run/secrets/ca.crt"))),
                "users",
                        List.of(
                                Map.of("name", "a", "user", Map.of("exec", Map.of("command", "/bin/sh"))),
                                Map.of("name", "b", "user", Map.of("auth-provider", Map.of("name", "gcp"))),
                                Map.of(
                                        "name",
                                        "c",
                                        "user",
                                        Map.of(
                                                "tokenFile",
                                                "/var/run/secrets/token",
                                                "client-certificate",
                                                "/x.crt",
                                                "client-key",
                                                "/x.key"))));
        assertThat(KubeconfigRules.contentProblems(hostile))
                .hasSize(6)
                .anySatisfy(p -> assertThat(p).contains("exec"))
                .anySatisfy(p -> assertThat(p).contains("auth-provider"))
                .anySatisfy(p -> assertThat(p).contains("tokenFile"))
                .anySatisfy(p -> assertThat(p).contains("certificate-authority is not accepted"));
    }
}
