package dev.arcfleet.contracts;

public enum DeviceClass {
    SERVER,
    EDGE_GATEWAY,
    INDUSTRIAL,
    IOT_DEVICE
}
