/** The lifecycle tracker: finds destroyed resources that are still reachable. */
@NullMarked
package io.tern.core.lifecycle;

import org.jspecify.annotations.NullMarked;
