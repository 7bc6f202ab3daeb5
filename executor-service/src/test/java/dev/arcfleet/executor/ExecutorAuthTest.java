package dev.arcfleet.executor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The executor's operator actions need a token: the bootstrap admin token it was given works, no token is a 401, and
 * a token it must ask inventory about while inventory cannot be reached is a 503 with Retry-After (the caller retries),
 * not a 401 that would send an operator looking for a new token. Reads stay open.
 */
@QuarkusTest
@TestProfile(ArcK8sDeploymentWithAuth.class)
class ExecutorAuthTest {
    static final String ADMIN_TOKEN = ArcK8sDeploymentWithAuth.ADMIN_TOKEN;

    @Test
    void operatorActionsNeedATokenAndAnUnreachableTokenCheckIsA503() {
        given().post("/api/v1/executions/some-plan/retry")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("message", containsString("bearer token"));
        given().header("Authorization", "Bearer " + ADMIN_TOKEN)
                .post("/api/v1/executions/some-plan/retry")
                .then()
                .statusCode(404)
                .body("message", containsString("no execution for plan some-plan"));
        given().header("Authorization", "Bearer afo_a-token-only-inventory-knows")
                .post("/api/v1/executions/some-plan/cancel")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .body("message", containsString("cannot be checked right now"));
        given().get("/api/v1/executions/some-plan").then().statusCode(404);
    }
}
