/**
 * The one way to put an application together: {@link io.tern.bootstrap.Tern#server()} exports
 * services and registers them, {@link io.tern.bootstrap.Tern#client()} makes references, direct
 * or discovered; each closes what it made in reverse order of creation.
 */
@NullMarked
package io.tern.bootstrap;

import org.jspecify.annotations.NullMarked;
