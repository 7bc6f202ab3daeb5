package dev.arcfleet.support.kube;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a service may read kubeconfigs from, and how large they may be. The setting names are the service's own and
 * appear only in refusal messages.
 *
 * @param directory the only folder kubeconfig files are read from; null: no file is read
 * @param directorySetting the setting that configures {@code directory}
 * @param secretNamespaces the only namespaces of the service's own cluster whose Secrets may hold kubeconfigs
 * @param secretNamespacesSetting the setting that configures {@code secretNamespaces}
 * @param maxBytes the largest kubeconfig read, from a file or a Secret
 */
public record KubeconfigSources(
        Path directory,
        String directorySetting,
        List<String> secretNamespaces,
        String secretNamespacesSetting,
        int maxBytes) {
    public KubeconfigSources {
        secretNamespaces = List.copyOf(secretNamespaces);
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the kubeconfig size cap must be at least 1 byte, got " + maxBytes);
        }
    }
}
