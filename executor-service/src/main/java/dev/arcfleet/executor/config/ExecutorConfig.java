package dev.arcfleet.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "executor")
public interface ExecutorConfig {
    /** {@code dry-run} records the exact ARM requests and Kubernetes objects each step would apply; {@code live} applies them. */
    @WithDefault("dry-run")
    @WithConverter(ExecutorMode.ConfigConverter.class)
    ExecutorMode mode();

    /** Worker threads driving steps; long Azure operations run here, never on a Kafka poll. */
    @WithDefault("8")
    int workers();

    /**
     * How long an execution stays a worker's after its last renewal: a live worker renews it every third of this while
     * its step runs, so this is how soon another worker resumes the executions of a process that died. A renewal late
     * by more than this (a stalled process) lets another worker take over; the earlier worker's result is then dropped.
     */
    @WithDefault("30s")
    Duration lease();

    /**
     * How long a step waits for what only an operator can set up (the node a companion VM is pinned to, a resource
     * provider registration, the cluster's OIDC issuer) before it fails with the command that fixes it.
     */
    @WithDefault("30s")
    Duration operatorCheckTimeout();

    /** How often an idle worker looks for runnable executions. */
    @WithDefault("200ms")
    Duration pollInterval();

    Azure azure();

    Agents agents();

    CompanionVm companionVm();

    Kube kube();

    DryRun dryRun();

    /** Rehearsal in dry-run mode: plans whose target id matches {@code fail-targets} fail with {@code fail-reason}. */
    interface DryRun {
        /** A regular expression matched against a plan's whole target id; unset, nothing is failed on purpose. */
        Optional<String> failTargets();

        /** The reason a rehearsed failure reports. */
        @WithDefault("rehearsed failure")
        String failReason();
    }

    interface Kube {
        /** Folder of kubeconfig files named after cluster ids (a mounted Secret); a cluster without one is refused. */
        Optional<Path> kubeconfigDir();

        /** The largest kubeconfig file read; a larger one is refused, as one that runs a program or reads a file. */
        @WithDefault("262144")
        int maxKubeconfigBytes();

        /**
         * The cluster id under which the executor's own cluster is a target, reached with its in-cluster credentials;
         * unset, the executor never acts on its own cluster.
         */
        Optional<String> ownClusterId();

        /** A target cluster's client unused for this long is closed (a later step opens a new one). At least 30 s. */
        @WithDefault("2m")
        Duration clientIdleTimeout();

        /** Open target-cluster clients above which the least recently used (idle at least 30 s) are closed early. */
        @WithDefault("256")
        int maxClients();
    }

    /** Mounted JSON file ({@code tenantId}, {@code clientId}, {@code clientSecret}) of the service principal companion VMs connect with. */
    Optional<Path> onboardingPrincipalFile();

    /**
     * A credential a plan's Azure target names: a service principal ({@code client-id}, {@code client-secret}, and
     * {@code tenant-id} unless {@code executor.azure.tenant-id} is the one), or a bearer token read from
     * {@code token-file} (the local ARM emulator).
     */
    interface NamedCredential {
        Optional<String> tenantId();

        /** The application (client) id; also the principal ARM counts this credential's calls against. */
        Optional<String> clientId();

        Optional<String> clientSecret();

        Optional<Path> tokenFile();
    }

    interface Azure {
        /** Subscription that receives the Arc resources. */
        @WithDefault("00000000-0000-0000-0000-000000000000")
        String subscriptionId();

        /** Resource group for the Arc resources. */
        @WithDefault("arc-fleet")
        String resourceGroup();

        /** Azure region of the Arc resources. */
        @WithDefault("westeurope")
        String location();

        /** Azure Resource Manager endpoint: the public cloud by default; a sovereign cloud's, or the local emulator's. */
        @WithDefault("https://management.azure.com")
        String endpoint();

        /** Tenant of the subscription (also read from AZURE_TENANT_ID by the default credential). */
        Optional<String> tenantId();

        /**
         * How the executor authenticates: {@code default} (DefaultAzureCredential: environment, workload identity,
         * managed identity, Azure CLI), {@code service-principal-file} (a mounted JSON file with tenantId, clientId,
         * clientSecret), or {@code token-file} (a bearer token read from a file, for the local ARM emulator).
         */
        @WithDefault("default")
        String credential();

        /** The mounted file that {@code service-principal-file} or {@code token-file} reads. */
        Optional<Path> credentialFile();

        /**
         * The principal the ARM budget is kept for (an app or managed identity client id); unset, the
         * {@code clientId} of the service principal file, else {@code AZURE_CLIENT_ID}, else the credential's name.
         */
        Optional<String> clientId();

        /**
         * Named credentials that plans' Azure targets name ({@code executor.azure.credentials.<name>.*}; names are
         * lower-case letters and digits). Secrets come from configuration or the environment only.
         */
        Map<String, NamedCredential> credentials();

        /** ARM writes (PUT) allowed at once per subscription and principal, shared by every replica (ARM: 200). */
        @WithDefault("200")
        int writeBurst();

        /** ARM writes refilled per second per subscription and principal (ARM: 10). */
        @WithDefault("10")
        double writesPerSecond();

        /** ARM deletes allowed at once per subscription and principal (ARM: 200). */
        @WithDefault("200")
        int deleteBurst();

        /** ARM deletes refilled per second per subscription and principal (ARM: 10). */
        @WithDefault("10")
        double deletesPerSecond();

        /** ARM reads (GET, polls, lists) allowed at once per subscription and principal (ARM: 250). */
        @WithDefault("250")
        int readBurst();

        /** ARM reads refilled per second per subscription and principal (ARM: 25). */
        @WithDefault("25")
        double readsPerSecond();

        /** The subscription-wide bucket of each kind, shared by all principals, as a multiple of one principal's (ARM: 15). */
        @WithDefault("15")
        double subscriptionCeiling();

        /**
         * Log Analytics workspace (ARM id) that container insights and Defender report to; without one, the executor
         * creates {@code arc-fleet-<location>} in the target resource group.
         */
        Optional<String> logAnalyticsWorkspaceId();

        /**
         * How soon a step first looks again at a long-running ARM operation or a condition it waits on; each later look
         * waits this plus the time the operation has run, so the interval doubles up to {@link #pollIntervalMax()}.
         */
        @WithDefault("5s")
        Duration pollInterval();

        /**
         * The longest interval between two looks at something under way, unless ARM's {@code Retry-After} asks for
         * longer; 30 s is the Azure SDKs' polling interval when ARM sends no {@code Retry-After}.
         */
        @WithDefault("30s")
        Duration pollIntervalMax();

        /** How long a single ARM call may take before it counts as a transient failure. */
        @WithDefault("60s")
        Duration callTimeout();
    }

    interface Agents {
        /** Helm chart of the Arc agents (an OCI reference without a tag), installed by an in-cluster Job. */
        @WithDefault("oci://mcr.microsoft.com/azurearck8s/batch1/stable/azure-arc-k8sagents")
        String chart();

        /**
         * The agents' chart version, pinned: never "latest". 1.35.3 or later (the agents that read their private key
         * from the {@code azure-arc-connect-privatekey} Secret; older ones would need it in a Helm value).
         */
        @WithDefault("1.35.3")
        String chartVersion();

        /** Image of the in-cluster Job that runs Helm. */
        @WithDefault("alpine/helm:3.16.2")
        String installerImage();

        /** The Azure cloud as the agents' chart names it ({@code global.azureEnvironment}). */
        @WithDefault("AZUREPUBLICCLOUD")
        String azureEnvironment();

        /**
         * Object id, in the subscription's tenant, of the Custom Locations resource provider's service principal (app id
         * bc313c14-388c-4e7d-a58e-70017303ee3b): {@code az ad sp show --id bc313c14-388c-4e7d-a58e-70017303ee3b
         * --query id -o tsv}. Needed only for clusters that host IoT Operations; a plan that needs it fails without it.
         */
        Optional<String> customLocationsObjectId();
    }

    interface CompanionVm {
        /** Container disk image of the companion VM (a small Linux that cloud-init can configure). */
        @WithDefault("quay.io/containerdisks/ubuntu:24.04")
        String containerDiskImage();

        /** vCPUs of the companion VM. */
        @WithDefault("1")
        int cores();

        /** Memory of the companion VM in MiB. */
        @WithDefault("1024")
        int memoryMiB();

        /** How often live mode checks that every companion VM it created is still there (and recreates missing ones). */
        @WithDefault("60s")
        Duration reconcileInterval();
    }
}
