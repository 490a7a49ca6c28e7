/** Provider-side generic invocation ({@code $invoke}, {@code $echo}) with POJOs as maps. */
@NullMarked
package io.tern.core.generic;

import org.jspecify.annotations.NullMarked;
