/**
 * Serialization for the dubbo protocol: Hessian2 (through hessian-lite) behind a strict class
 * allow-list. No Hessian type appears in this package's public signatures.
 */
@NullMarked
package io.tern.serialization;

import org.jspecify.annotations.NullMarked;
