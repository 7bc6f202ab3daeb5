package dev.arcfleet.contracts;

public enum FactsSource {
    REGISTRATION,
    KUBERNETES,
    IMPORT
}
