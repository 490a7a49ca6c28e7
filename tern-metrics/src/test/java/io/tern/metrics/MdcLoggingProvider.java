package io.tern.metrics;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC, for the tracing tests (slf4j-simple's own MDC keeps nothing).
 * Chosen with {@code -Dslf4j.provider}, set in this module's Surefire configuration.
 */
public final class MdcLoggingProvider extends SimpleServiceProvider {

    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
