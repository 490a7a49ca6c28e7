/** The {@code injvm} protocol: export and refer services inside one JVM. */
@NullMarked
package io.tern.core.injvm;

import org.jspecify.annotations.NullMarked;
