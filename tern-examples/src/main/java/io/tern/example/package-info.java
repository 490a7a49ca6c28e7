/** The example service and the runnable in-JVM example. */
@NullMarked
package io.tern.example;

import org.jspecify.annotations.NullMarked;
