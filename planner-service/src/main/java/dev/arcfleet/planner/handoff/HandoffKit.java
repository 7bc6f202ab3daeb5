package dev.arcfleet.planner.handoff;

import dev.arcfleet.contracts.NodeFacts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a site needs to connect its DIRECT_AGENT hosts the way Azure's at-scale onboarding of servers does
 * (docs/azure-contract.md, "DIRECT_AGENT hand-off"): an inventory of the hosts and one script that, run on each of
 * them, installs the Connected Machine agent and runs {@code azcmagent connect --config <file>} with the service
 * principal's id. The secret is never in the kit: the script reads it at run time from the file
 * {@code ARC_SP_SECRET_FILE} names and writes it only into a mode-600 temporary config file it deletes after, as
 * Microsoft recommends ("provide service principal information via a configuration file to avoid exposing the
 * secret"). Pure: the same entries and settings give the same kit.
 */
public final class HandoffKit {
    /** Azure's rule for a machine name (Microsoft.HybridCompute/machines, api 2024-07-10). */
    static final Pattern MACHINE_NAME = Pattern.compile("^[a-zA-Z0-9-_.]{1,54}$");
    /** What a value pasted into the script between single quotes may hold: no quote, no control character. */
    private static final Pattern SCRIPT_SAFE = Pattern.compile("^[^'\\p{Cntrl}]*$");
    /** What a hostname in the script's {@code case} may be: the characters of RFC 1123 names. */
    private static final Pattern HOSTNAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$");
    /** Where Microsoft's generated onboarding scripts download the Linux agent's installer. */
    static final String INSTALLER_URL = "https://gbl.his.arc.azure.com/azcmagent-linux";

    /** The Azure side of the kit: where the machines go and which service principal connects them (never its secret). */
    public record Settings(
            String tenantId,
            String subscriptionId,
            String resourceGroup,
            String location,
            String cloud,
            String servicePrincipalId) {}

    /** One host of the kit, from its DIRECT_AGENT plan's parameters. */
    public record Entry(
            String planId,
            String nodeId,
            String hostname,
            String site,
            String clusterId,
            String osFamily,
            String resourceName) {}

    private HandoffKit() {}

    /** The parameters a DIRECT_AGENT plan carries: what the kit needs of the node, fixed at decision time. */
    public static Map<String, String> parameters(NodeFacts facts) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("nodeId", facts.nodeId());
        String hostname = facts.hostname() != null
                ? facts.hostname()
                : facts.nodeId().substring(facts.nodeId().lastIndexOf('/') + 1);
        params.put("hostname", hostname);
        params.put("resourceName", machineName(hostname, facts.nodeId()));
        if (facts.site() != null) {
            params.put("site", facts.site());
        }
        if (facts.clusterId() != null) {
            params.put("clusterId", facts.clusterId());
        }
        if (facts.os() != null && facts.os().family() != null) {
            params.put("osFamily", facts.os().family());
        }
        return params;
    }

    /**
     * The Arc machine's name: the host's short name when Azure accepts it as it is (what azcmagent itself would use),
     * else the short name reduced to Azure's characters with a hash of the node id, so two hosts never share a name.
     */
    static String machineName(String hostname, String nodeId) {
        String shortName = hostname.contains(".") ? hostname.substring(0, hostname.indexOf('.')) : hostname;
        if (MACHINE_NAME.matcher(shortName).matches()) {
            return shortName;
        }
        String hash = sha256(nodeId).substring(0, 8);
        String base = shortName.replaceAll("[^a-zA-Z0-9-_.]+", "-");
        base = base.substring(0, Math.min(base.length(), 54 - hash.length() - 1));
        return (base.isEmpty() ? "host" : base) + "-" + hash;
    }

    /** The inventory: one CSV line per host (RFC 4180 quoting), for the site's configuration management. */
    public static String inventory(List<Entry> entries) {
        StringBuilder csv = new StringBuilder("nodeId,hostname,resourceName,site,clusterId,osFamily,planId\r\n");
        for (Entry e : entries) {
            csv.append(String.join(
                            ",",
                            csv(e.nodeId()),
                            csv(e.hostname()),
                            csv(e.resourceName()),
                            csv(e.site()),
                            csv(e.clusterId()),
                            csv(e.osFamily()),
                            csv(e.planId())))
                    .append("\r\n");
        }
        return csv.toString();
    }

    /**
     * The script, for Linux hosts (DIRECT_AGENT nodes are mutable Linux servers). Every value in it is checked to be
     * safe between single quotes; a host whose name cannot be matched safely is refused (IllegalArgumentException).
     */
    public static String script(
            String kitId, String site, Instant createdAt, String createdBy, Settings settings, List<Entry> entries) {
        StringBuilder sh = new StringBuilder();
        sh.append("#!/usr/bin/env bash\n");
        sh.append("# Arc Fleet Onboarding hand-off kit ")
                .append(safe(kitId))
                .append(" for site ")
                .append(safe(site))
                .append(", made ")
                .append(createdAt)
                .append(" by ")
                .append(safe(createdBy))
                .append(".\n");
        sh.append("""
                # Run it as root on each host listed below (your configuration management's usual way). It installs the
                # Azure Connected Machine agent if it is missing and connects the host to Azure Arc with a service
                # principal, as Azure's at-scale onboarding does. The principal's secret is not in this file: put it in a
                # file only root can read and name that file in ARC_SP_SECRET_FILE.
                # Exit codes: 0 connected; 2 this host is not in the kit, or no secret file; any other is the agent's
                # own (a host connected already is refused by the agent: run azcmagent disconnect first).
                set -euo pipefail
                """);
        sh.append("KIT_ID=").append(quote(kitId)).append('\n');
        sh.append("TENANT_ID=").append(quote(settings.tenantId())).append('\n');
        sh.append("SUBSCRIPTION_ID=").append(quote(settings.subscriptionId())).append('\n');
        sh.append("RESOURCE_GROUP=").append(quote(settings.resourceGroup())).append('\n');
        sh.append("LOCATION=").append(quote(settings.location())).append('\n');
        sh.append("CLOUD=").append(quote(settings.cloud())).append('\n');
        sh.append("SERVICE_PRINCIPAL_ID=")
                .append(quote(settings.servicePrincipalId()))
                .append('\n');
        sh.append("""
                host="${ARC_HOSTNAME:-$(hostname -s)}"
                case "$host" in
                """);
        for (Entry e : entries) {
            String shortName = e.hostname().contains(".")
                    ? e.hostname().substring(0, e.hostname().indexOf('.'))
                    : e.hostname();
            if (!HOSTNAME.matcher(shortName).matches()) {
                throw new IllegalArgumentException(
                        "host " + e.nodeId() + " has a name the script cannot match safely: " + shortName);
            }
            sh.append("  ")
                    .append(quote(shortName))
                    .append(") NODE_ID=")
                    .append(quote(e.nodeId()))
                    .append("; RESOURCE_NAME=")
                    .append(quote(e.resourceName()))
                    .append("; TAGS=")
                    .append(quote(tags(e)))
                    .append(" ;;\n");
        }
        sh.append("""
                  *) echo "host $host is not in hand-off kit $KIT_ID" >&2; exit 2 ;;
                esac
                if [ -z "${ARC_SP_SECRET_FILE:-}" ] || [ ! -r "$ARC_SP_SECRET_FILE" ]; then
                  echo "set ARC_SP_SECRET_FILE to a readable file holding the secret of service principal $SERVICE_PRINCIPAL_ID" >&2
                  exit 2
                fi
                if ! command -v azcmagent >/dev/null 2>&1; then
                  installer="$(mktemp)"
                """);
        sh.append("  curl -fsSL ").append(quote(INSTALLER_URL)).append(" -o \"$installer\"\n");
        sh.append("""
                  bash "$installer"
                  rm -f "$installer"
                fi
                json() { local s="$1"; s="${s//\\\\/\\\\\\\\}"; s="${s//\\"/\\\\\\"}"; printf '"%s"' "$s"; }
                secret="$(tr -d '\\r\\n' < "$ARC_SP_SECRET_FILE")"
                config="$(umask 077; mktemp)"
                trap 'rm -f "$config"' EXIT
                {
                  printf '{"tenant-id":%s,"subscription-id":%s,"resource-group":%s,"location":%s,' \\
                    "$(json "$TENANT_ID")" "$(json "$SUBSCRIPTION_ID")" "$(json "$RESOURCE_GROUP")" "$(json "$LOCATION")"
                  printf '"cloud":%s,"resource-name":%s,"tags":%s,"correlation-id":%s,' \\
                    "$(json "$CLOUD")" "$(json "$RESOURCE_NAME")" "$(json "$TAGS")" "$(json "$KIT_ID")"
                  printf '"service-principal-id":%s,"service-principal-secret":%s}' \\
                    "$(json "$SERVICE_PRINCIPAL_ID")" "$(json "$secret")"
                } > "$config"
                unset secret
                azcmagent connect --config "$config"
                """);
        return sh.toString();
    }

    /** The tags the machine gets: where the fleet knows it from. */
    static String tags(Entry e) {
        StringBuilder tags = new StringBuilder("arcfleet.dev/node=").append(tagValue(e.nodeId()));
        if (e.site() != null) {
            tags.append(",arcfleet.dev/site=").append(tagValue(e.site()));
        }
        if (e.clusterId() != null) {
            tags.append(",arcfleet.dev/cluster=").append(tagValue(e.clusterId()));
        }
        return tags.toString();
    }

    /** A tag value within azcmagent's {@code k=v,k=v} form: no separators. */
    private static String tagValue(String value) {
        return value.replaceAll("[,=]", "_");
    }

    private static String quote(String value) {
        return "'" + safe(value) + "'";
    }

    private static String safe(String value) {
        String v = value == null ? "" : value;
        if (!SCRIPT_SAFE.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    "a value cannot be put in the script safely: " + v.replaceAll("\\p{Cntrl}", "?"));
        }
        return v;
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return v.matches(".*[\",\\r\\n].*") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
