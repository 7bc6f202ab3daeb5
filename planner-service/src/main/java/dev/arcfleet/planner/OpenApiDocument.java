package dev.arcfleet.planner;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * What {@code /q/openapi} (and Swagger UI at {@code /q/swagger-ui}) says of this service: the document is generated
 * from the JAX-RS resources; writes need the bearer token scheme below (docs/security.md, "Authentication and tokens").
 */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Arc Fleet Onboarding: planner-service",
                        version = "0.1.0",
                        description =
                                "Decisions: previews and what-ifs of the policy without side effects, and the DIRECT_AGENT hand-off kits."))
@SecurityScheme(
        securitySchemeName = "fleetToken",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "opaque afo_... token",
        description = "A token of inventory-service's token authority (roles registrar, reader, operator, admin).")
public class OpenApiDocument extends Application {}
