/**
 * Public only because other Tern modules or tests reach them: not part of Tern's API, and free to
 * change without notice.
 */
@NullMarked
package io.tern.registry.internal;

import org.jspecify.annotations.NullMarked;
