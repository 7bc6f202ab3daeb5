package dev.arcfleet.contracts;

public record Virtualization(Boolean kubevirt, Boolean talosWorkloadVm, Boolean firecracker) {}
