/**
 * Fixtures for tests of Tern applications and of Tern itself.
 */
@NullMarked
package io.tern.testing;

import org.jspecify.annotations.NullMarked;
