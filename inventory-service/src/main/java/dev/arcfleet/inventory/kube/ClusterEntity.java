package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.support.kube.ClusterAccess;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A registered cluster and the reference to its credentials (never the credentials). Never leaves the service. */
@Entity
@Table(name = "cluster")
public class ClusterEntity extends PanacheEntityBase {
    @Id
    @Column(name = "cluster_id")
    public String clusterId;

    public String site;
    public String distribution;

    @Column(name = "device_class")
    public String deviceClass;
    /** Capability names, comma-separated. */
    @Column(name = "required_capabilities")
    public String requiredCapabilities;

    @Column(name = "access_mode")
    public String accessMode;

    @Column(name = "kubeconfig_path")
    public String kubeconfigPath;

    @Column(name = "secret_namespace")
    public String secretNamespace;

    @Column(name = "secret_name")
    public String secretName;

    @Column(name = "secret_key")
    public String secretKey;

    @Column(name = "created_at")
    public Instant createdAt;

    static ClusterEntity from(ClusterSpec spec, Instant now) {
        ClusterEntity e = new ClusterEntity();
        e.clusterId = spec.id();
        e.site = spec.site();
        e.distribution = spec.distribution();
        e.deviceClass = spec.deviceClass() == null ? null : spec.deviceClass().name();
        e.requiredCapabilities =
                spec.requiredCapabilities().stream().map(Enum::name).collect(Collectors.joining(","));
        e.accessMode = spec.access().mode().name();
        e.kubeconfigPath = spec.access().path();
        if (spec.access().secret() != null) {
            e.secretNamespace = spec.access().secret().namespace();
            e.secretName = spec.access().secret().name();
            e.secretKey = spec.access().secret().key();
        }
        e.createdAt = now;
        return e;
    }

    ClusterSpec toSpec() {
        ClusterAccess.Mode mode = ClusterAccess.Mode.valueOf(accessMode);
        ClusterAccess access = new ClusterAccess(
                mode,
                kubeconfigPath,
                mode == ClusterAccess.Mode.KUBECONFIG_SECRET
                        ? new ClusterAccess.SecretRef(secretNamespace, secretName, secretKey)
                        : null);
        List<Capability> capabilities = requiredCapabilities == null || requiredCapabilities.isBlank()
                ? List.of()
                : Arrays.stream(requiredCapabilities.split(","))
                        .map(Capability::valueOf)
                        .toList();
        return new ClusterSpec(
                clusterId,
                site,
                distribution,
                deviceClass == null ? null : DeviceClass.valueOf(deviceClass),
                capabilities,
                access);
    }
}
