package dev.arcfleet.executor.azure;

import dev.arcfleet.testsupport.LocalPostgres;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** The executor's schema in a database of the local PostgreSQL, and connection pools on it (one per "replica"). */
public final class BudgetDatabase {
    private BudgetDatabase() {}

    /** The JDBC URL of {@code name}, migrated with the executor's Flyway scripts. */
    public static synchronized String migrated(String name) {
        String url = LocalPostgres.database(name);
        Flyway.configure()
                .dataSource(url, LocalPostgres.USER, "")
                .locations("classpath:db/migration", "classpath:db/support")
                .load()
                .migrate();
        return url;
    }

    /** A pool of its own, as each executor replica has. */
    public static AgroalDataSource pool(String url, int size) {
        try {
            return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(cp -> cp.maxSize(size)
                            .connectionFactoryConfiguration(
                                    cf -> cf.jdbcUrl(url).principal(new NamePrincipal(LocalPostgres.USER)))));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ARM's numbers: reads 250 and 25/s, writes and deletes 200 and 10/s. */
    public static Map<ArmBudget.Kind, ArmBudget.Limit> armLimits() {
        return Map.of(
                ArmBudget.Kind.READ,
                new ArmBudget.Limit(250, 25),
                ArmBudget.Kind.WRITE,
                new ArmBudget.Limit(200, 10),
                ArmBudget.Kind.DELETE,
                new ArmBudget.Limit(200, 10));
    }
}
