/**
 * Benchmarks: the side-by-side comparison of a raw TCP ping-pong, Tern and Apache Dubbo in
 * separate JVMs ({@link io.tern.bench.SideBySide}), JMH micro-benchmarks, and retained heap.
 */
@NullMarked
package io.tern.bench;

import org.jspecify.annotations.NullMarked;
