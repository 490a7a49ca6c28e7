/** The {@code tern} command line: demo, serve, call, ls and bench. */
@NullMarked
package io.tern.cli;

import org.jspecify.annotations.NullMarked;
