/**
 * The machinery between the API and a transport: invokers over local implementations, client
 * proxies, filter chains, and the base class that gives every invoker Tern's lifecycle.
 */
@NullMarked
package io.tern.core;

import org.jspecify.annotations.NullMarked;
