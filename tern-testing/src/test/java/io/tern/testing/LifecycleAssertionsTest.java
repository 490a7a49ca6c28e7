package io.tern.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The churn tests' final checks pass when everything went, and catch a resource kept on purpose. */
class LifecycleAssertionsTest {

    @Test
    void destroyedAndForgottenResourcesPass() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        for (int i = 0; i < 100; i++) {
            tracker.track(ResourceKind.INVOKER, "service-" + i).destroyed(new Object());
        }
        LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
        LifecycleAssertions.assertNoneLive(report, ResourceKind.INVOKER);
        assertThat(report.counts(ResourceKind.INVOKER).collected()).isEqualTo(100);
    }

    @Test
    void aDestroyedResourceStillHeldIsCaught() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        Object kept = new Object();
        tracker.track(ResourceKind.CLIENT, "held on purpose").destroyed(kept);

        assertThatThrownBy(() -> LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still reachable")
                .hasMessageContaining("held on purpose");
        assertThat(kept).isNotNull();
    }

    @Test
    void aLiveResourceIsNamed() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        tracker.track(ResourceKind.REFERENCE, "never closed");
        assertThatThrownBy(() -> LifecycleAssertions.assertNoneLive(tracker.report(), ResourceKind.REFERENCE))
                .hasMessageStartingWith("reference: 1 created, 0 destroyed, 0 collected");
    }
}
