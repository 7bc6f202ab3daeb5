package dev.arcfleet.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RenderTest {
    @Test
    void anObjectShowsItsFieldsThenItsArraysOfObjectsAsTables() {
        String table = Render.table(FleetApi.parse(
                "{\"topic\":\"fleet.nodes.dlq\",\"total\":2,\"records\":[{\"partition\":0,\"offset\":3,\"reason\":\"bad\"},"
                        + "{\"partition\":1,\"offset\":12,\"reason\":{\"code\":\"X\"}}]}"));
        assertThat(table.lines().toList())
                .containsExactly(
                        "topic    fleet.nodes.dlq",
                        "total    2",
                        "",
                        "records:",
                        "partition  offset  reason",
                        "---------  ------  ------------",
                        "0          3       bad",
                        "1          12      {\"code\":\"X\"}");
    }

    @Test
    void longCellsAreCutAndEmptyArraysSaySo() {
        String longText = "x".repeat(100);
        assertThat(Render.table(FleetApi.parse("[{\"a\":\"" + longText + "\"}]"))
                        .lines()
                        .skip(2)
                        .findFirst()
                        .orElseThrow())
                .hasSize(Render.CELL)
                .endsWith("...");
        assertThat(Render.table(FleetApi.parse("[]"))).isEqualTo("(none)");
        assertThat(Render.table(FleetApi.parse("[\"a\",\"b\"]")).lines().toList())
                .containsExactly("a", "b");
    }

    @Test
    void jsonIsTheAnswerIndented() {
        assertThat(Render.render(FleetApi.parse("{\"a\":[1,2]}"), Render.Output.json))
                .isEqualToIgnoringWhitespace("{\"a\":[1,2]}")
                .contains("\n");
    }

    @Test
    void theFleetTableOrdersRoutesAndStatesAsTheLifecycleGoes() {
        FleetTable t = new FleetTable();
        t.count(FleetApi.parse("{\"onboarding\":{\"route\":\"BLOCKED\",\"state\":\"BLOCKED\"}}"));
        t.count(FleetApi.parse("{\"onboarding\":{\"route\":\"ARC_K8S\",\"state\":\"FAILED\"}}"));
        t.count(FleetApi.parse("{\"onboarding\":{\"route\":\"ARC_K8S\",\"state\":\"IN_PROGRESS\"}}"));
        assertThat(t.table().lines().map(l -> l.replaceAll("\\s+", " ")).toList())
                .containsExactly(
                        "route IN_PROGRESS FAILED BLOCKED total",
                        "-".repeat(16 + 13 * 3 + 8),
                        "ARC_K8S 1 1 . 2",
                        "BLOCKED . . 1 1",
                        "-".repeat(16 + 13 * 3 + 8),
                        "all 3");
        assertThat(t.json().path("ARC_K8S").path("FAILED").asInt()).isEqualTo(1);
    }
}
