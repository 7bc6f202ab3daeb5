package dev.arcfleet.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RolesTest {
    @Test
    void aRoleIncludesTheOnesBelowIt() {
        assertThat(Roles.granted(Roles.ADMIN)).containsExactlyInAnyOrder(Roles.ADMIN, Roles.OPERATOR, Roles.READER);
        assertThat(Roles.granted(Roles.OPERATOR)).containsExactlyInAnyOrder(Roles.OPERATOR, Roles.READER);
        assertThat(Roles.granted(Roles.READER)).containsExactly(Roles.READER);
    }

    @Test
    void registrarAndServiceStandAlone() {
        assertThat(Roles.granted(Roles.REGISTRAR)).containsExactly(Roles.REGISTRAR);
        assertThat(Roles.granted(Roles.SERVICE)).containsExactly(Roles.SERVICE);
        assertThat(Roles.granted(Roles.ADMIN)).doesNotContain(Roles.REGISTRAR, Roles.SERVICE);
    }

    @Test
    void anUnknownRoleGrantsNothing() {
        assertThat(Roles.granted("root")).isEmpty();
        assertThat(Roles.granted("Admin")).as("role names are exact").isEmpty();
        assertThat(Roles.known("root")).isFalse();
        assertThat(Roles.known(Roles.REGISTRAR)).isTrue();
    }
}
