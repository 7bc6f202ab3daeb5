package dev.arcfleet.inventory.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistrationLimiterTest {
    record Allowance(double perSecond, int burst) implements RateLimitConfig.Budget {}

    record Config(boolean enabled) implements RateLimitConfig {
        @Override
        public Allowance registrar() {
            return new Allowance(10, 20);
        }

        @Override
        public Allowance operator() {
            return new Allowance(1000, 5000);
        }
    }

    final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));
    final RegistrationLimiter limiter = new RegistrationLimiter(new Config(true), now::get);

    static SecurityIdentity caller(String name, String role, String site) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(name))
                .addRole(role);
        if (site != null) {
            builder.addAttribute("fleet.site", site);
        }
        return builder.build();
    }

    @Test
    void aBucketSpendsItsBurstThenRefillsAtItsRate() {
        SecurityIdentity device = caller("ghent devices", "registrar", "ghent");
        assertThat(limiter.take(device, 20).allowed()).isTrue();
        RegistrationLimiter.Verdict refused = limiter.take(device, 5);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.neverFits()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limiter.take(device, 5).allowed()).isTrue();
        assertThat(limiter.take(device, 1).allowed()).isFalse();

        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(limiter.take(device, 20).allowed())
                .as("refills up to the burst, not beyond")
                .isTrue();
        assertThat(limiter.take(device, 1).allowed()).isFalse();
    }

    @Test
    void eachTokenHasItsOwnBucketAndOperatorsTheLargerBudget() {
        assertThat(limiter.take(caller("ghent devices", "registrar", "ghent"), 20)
                        .allowed())
                .isTrue();
        assertThat(limiter.take(caller("lyon devices", "registrar", "lyon"), 20).allowed())
                .isTrue();
        assertThat(limiter.take(caller("importer", "operator", null), 5000).allowed())
                .isTrue();
        assertThat(limiter.take(caller("importer", "operator", null), 1).allowed())
                .isFalse();
    }

    @Test
    void aRequestLargerThanTheBurstNeverFitsAndTheLimitCanBeSwitchedOff() {
        RegistrationLimiter.Verdict tooBig = limiter.take(caller("ghent devices", "registrar", "ghent"), 21);
        assertThat(tooBig.allowed()).isFalse();
        assertThat(tooBig.neverFits()).isTrue();
        assertThat(tooBig.burst()).isEqualTo(20);

        RegistrationLimiter off = new RegistrationLimiter(new Config(false), now::get);
        assertThat(off.take(caller("ghent devices", "registrar", "ghent"), 100_000)
                        .allowed())
                .isTrue();
    }
}
